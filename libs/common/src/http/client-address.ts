import { isIP } from 'node:net';
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';

/**
 * The bare IP in an address as proxies write it into X-Forwarded-For: Azure Application Gateway
 * appends "IP:port" ("203.0.113.7:51234", "[2001:db8::1]:51234"), others the bare IP, Node gives
 * "::ffff:a.b.c.d" for IPv4 on a dual-stack socket. Undefined when no IP can be read from it.
 */
export function bareAddress(written: string | undefined): string | undefined {
  if (written === undefined) return undefined;
  let address = written.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed !== null) address = bracketed[1]!;
  else if (/^[^:]+:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped !== null) address = mapped[1]!;
  return isIP(address) === 0 ? undefined : address.toLowerCase();
}

/**
 * Who the client is, for rate limits: Express's pick of the X-Forwarded-For entry `TRUST_PROXY`
 * hops back, without port or brackets, so a client's new source port is not a new client. When
 * that entry holds no IP (a proxy wrote "unknown"), the connected peer stands in: one shared
 * bucket is safer than a bucket per made-up value.
 */
export function clientAddress(req: Request): string {
  return bareAddress(req.ip) ?? bareAddress(req.socket.remoteAddress) ?? 'unknown';
}

/** The rate-limit key of a client: its address, IPv6 grouped by /56 as express-rate-limit does. */
export function clientKey(req: Request): string {
  return ipKeyGenerator(clientAddress(req));
}
