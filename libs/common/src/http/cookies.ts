import { parse } from 'cookie';

/** The value of one cookie from a raw Cookie header; malformed headers simply yield nothing. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  try {
    return parse(header)[name];
  } catch {
    return undefined;
  }
}
