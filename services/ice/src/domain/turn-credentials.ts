import { createHmac } from 'node:crypto';

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest), the scheme coturn checks with
 * `use-auth-secret`: the username carries its own expiry, the credential proves the secret.
 */
export function turnCredential(secret: string, expiresAtSeconds: number, suffix: string): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${suffix}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
