import { randomBytes } from 'node:crypto';

/**
 * `<instance>@<host>:<port>`: where a replica takes wake-ups, and which process. The instance is
 * new at every start, so a replica that restarts on the same pod IP and port has a new address:
 * hints meant for the previous process (and captured requests to it) are refused as misdirected
 * instead of reaching the new one. The form has no `/` or `~`, so it stays one JSON-pointer
 * segment where the store writes it into a patch path.
 */
export interface PeerAddress {
  instance: string;
  /** Bracketed for IPv6, ready for a URL. */
  host: string;
  port: number;
}

const ADDRESS = /^([A-Za-z0-9_-]{8,64})@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function newInstance(): string {
  return randomBytes(12).toString('base64url');
}

export function formatAddress(instance: string, host: string, port: number): string {
  return `${instance}@${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The parts of a wake-up address, or undefined for anything else (an inbox name or a `host:port` of an older replica). */
export function parseAddress(address: string): PeerAddress | undefined {
  const match = ADDRESS.exec(address);
  if (!match) return undefined;
  const port = Number(match[3]);
  return port >= 1 && port <= 65_535 ? { instance: match[1]!, host: match[2]!, port } : undefined;
}
