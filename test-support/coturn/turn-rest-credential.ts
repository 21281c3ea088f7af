import { createHmac } from 'node:crypto';

export interface TurnRestCredential {
  username: string;
  credential: string;
}

/**
 * The TURN REST scheme coturn's `use-auth-secret` checks: username `<unix expiry>:<suffix>`,
 * credential base64(HMAC-SHA1(secret, username)). Computed here independently of the ice service,
 * so tests can forge expired or wrongly signed credentials.
 */
export function turnRestCredential(secret: string, expiresAtSeconds: number, suffix = 'turntls'): TurnRestCredential {
  const username = `${Math.floor(expiresAtSeconds)}:${suffix}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}
