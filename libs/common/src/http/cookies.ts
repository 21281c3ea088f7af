/**
 * The value of the cookie `name` in a raw Cookie header, or undefined when it is absent or appears
 * more than once. Of two cookies with one name the server cannot tell which the user meant (a
 * sibling subdomain or an http page can plant a second one), so it takes neither. The header is
 * scanned whatever its length: Node's header cap already bounds it, and a session cookie behind
 * many others must still be found.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  let value: string | undefined;
  let start = 0;
  while (start <= header.length) {
    const end = header.indexOf(';', start);
    const pair = header.slice(start, end < 0 ? header.length : end);
    start = end < 0 ? header.length + 1 : end + 1;
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    if (value !== undefined) return undefined;
    value = unquote(pair.slice(equals + 1).trim());
  }
  return value;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
