import { identityFromClaims } from '../src/domain/identity.ts';

const UUID = '095be615-a8ad-4c33-8e9c-c7612fbf6c9f';

test('uid takes the first of upn, preferred_username, email, unique_name, sub', () => {
  expect(identityFromClaims({ sub: 's', upn: 'u', preferred_username: 'p', email: 'e' })?.uid).toBe('u');
  expect(identityFromClaims({ sub: 's', preferred_username: 'p', email: 'e' })?.uid).toBe('p');
  expect(identityFromClaims({ sub: 's', email: 'e', unique_name: 'n' })?.uid).toBe('e');
  expect(identityFromClaims({ sub: 's', unique_name: 'n' })?.uid).toBe('n');
  expect(identityFromClaims({ sub: 's' })?.uid).toBe('s');
});

test('name falls back to uid', () => {
  expect(identityFromClaims({ sub: 's', name: 'Ann' })?.name).toBe('Ann');
  expect(identityFromClaims({ sub: 's', email: 'a@b' })?.name).toBe('a@b');
});

test('uuid: the uuid claim, else oid, else a stable UUIDv5 of issuer and subject', () => {
  expect(identityFromClaims({ sub: 's', uuid: UUID.toUpperCase(), oid: 'b1f9a1e2-0000-4000-8000-000000000000' })?.uuid).toBe(UUID);
  expect(identityFromClaims({ sub: 's', uuid: 'not-a-uuid', oid: UUID })?.uuid).toBe(UUID);
  const derived = identityFromClaims({ sub: 's', iss: 'https://login.example' })?.uuid;
  expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(identityFromClaims({ sub: 's', iss: 'https://login.example' })?.uuid).toBe(derived);
  expect(identityFromClaims({ sub: 's', iss: 'https://other.example' })?.uuid).not.toBe(derived);
  expect(identityFromClaims({ sub: 't', iss: 'https://login.example' })?.uuid).not.toBe(derived);
});

test('no subject, no identity', () => {
  expect(identityFromClaims({ name: 'x' })).toBeUndefined();
  expect(identityFromClaims({ sub: '  ' })).toBeUndefined();
  expect(identityFromClaims({ sub: 42 })).toBeUndefined();
});
