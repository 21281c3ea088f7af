/**
 * Every value of the cookie `name` in a raw Cookie header, in header order. A name can appear more
 * than once (a sibling subdomain or an http page can plant a second one), and which one the user
 * meant is for the caller to decide. The header is scanned whatever its length: Node's header cap
 * already bounds it, and a session cookie behind many others must still be found.
 */
export function readCookies(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  let start = 0;
  while (start <= header.length) {
    const end = header.indexOf(';', start);
    const pair = header.slice(start, end < 0 ? header.length : end);
    start = end < 0 ? header.length + 1 : end + 1;
    const equals = pair.indexOf('=');
    if (equals >= 0 && pair.slice(0, equals).trim() === name) values.push(unquote(pair.slice(equals + 1).trim()));
  }
  return values;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
