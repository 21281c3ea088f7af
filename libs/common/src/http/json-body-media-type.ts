/**
 * What the JSON body reader needs from a Content-Type header: the media type and the charset
 * parameter, found by the same rules as the `content-type` package that body-parser parses it
 * with, so a header body-parser took (or skipped, or refused) is taken (skipped, refused) alike:
 * optional whitespace is spaces and tabs, names are case-insensitive, the first `charset` wins,
 * a quoted value ends at its closing quote (an unclosed one yields no value), a parameter
 * without `=` is ignored.
 */
export interface MediaType {
  /** Lower-cased, without parameters. */
  type: string;
  /** As written (unquoted), `undefined` when absent. */
  charset: string | undefined;
}

const SPACE = 32;
const TAB = 9;
const SEMICOLON = 59;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;

// What clients send: no parameter to look for.
const PLAIN_JSON: MediaType = { type: 'application/json', charset: undefined };

export function mediaTypeOf(header: string): MediaType {
  if (header === 'application/json') return PLAIN_JSON;
  const end = header.length;
  let at = skipSpace(header, 0, end);
  const typeStart = at;
  at = skipValue(header, at, end);
  const type = header.slice(typeStart, trimEnd(header, typeStart, at)).toLowerCase();
  let charset: string | undefined;
  parameter: while (at < end) {
    at = skipSpace(header, at + 1, end);
    const nameStart = at;
    while (at < end) {
      const code = header.charCodeAt(at);
      if (code === SEMICOLON) continue parameter;
      if (code !== EQUALS) {
        at += 1;
        continue;
      }
      const isCharset = charset === undefined && header.slice(nameStart, trimEnd(header, nameStart, at)).toLowerCase() === 'charset';
      at = skipSpace(header, at + 1, end);
      if (at < end && header.charCodeAt(at) === QUOTE) {
        let value = '';
        at += 1;
        while (at < end) {
          const char = header.charCodeAt(at++);
          if (char === QUOTE) {
            at = skipValue(header, at, end);
            if (isCharset) charset = value;
            break;
          }
          value += char === BACKSLASH && at < end ? header[at++] : String.fromCharCode(char);
        }
        continue parameter;
      }
      const valueStart = at;
      at = skipValue(header, at, end);
      if (isCharset) charset = header.slice(valueStart, trimEnd(header, valueStart, at));
      continue parameter;
    }
  }
  return { type, charset };
}

function skipValue(text: string, at: number, end: number): number {
  while (at < end && text.charCodeAt(at) !== SEMICOLON) at += 1;
  return at;
}

function skipSpace(text: string, at: number, end: number): number {
  while (at < end) {
    const code = text.charCodeAt(at);
    if (code !== SPACE && code !== TAB) break;
    at += 1;
  }
  return at;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start) {
    const code = text.charCodeAt(end - 1);
    if (code !== SPACE && code !== TAB) break;
    end -= 1;
  }
  return end;
}
