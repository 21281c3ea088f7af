import { v5 as uuidv5 } from 'uuid';

/** Who a verified token says the user is, in the seed's login response terms. */
export interface Identity {
  subject: string;
  uid: string;
  name: string;
  uuid: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Namespace for UUIDv5 peer ids derived from issuer + subject; fixed forever so ids stay stable. */
const PEER_ID_NAMESPACE = 'c0e6a1d2-5b1f-4c8e-9f3a-2d7b6e4a9c10';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * Maps token claims to an identity. The peer uuid must be the same at every login of the same
 * person, because peers address each other by it: an explicit `uuid` claim wins, then Entra ID's
 * `oid`, else a UUIDv5 of issuer and subject.
 */
export function identityFromClaims(claims: Record<string, unknown>): Identity | undefined {
  const subject = text(claims.sub);
  if (subject === undefined) return undefined;
  const uid = text(claims.upn) ?? text(claims.preferred_username) ?? text(claims.email) ?? text(claims.unique_name) ?? subject;
  const explicit = [claims.uuid, claims.oid].find((value): value is string => typeof value === 'string' && UUID.test(value));
  const uuid = (explicit ?? uuidv5(`${text(claims.iss) ?? ''}\n${subject}`, PEER_ID_NAMESPACE)).toLowerCase();
  return { subject, uid, name: text(claims.name) ?? uid, uuid };
}
