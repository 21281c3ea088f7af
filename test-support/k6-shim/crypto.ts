// Shim of `k6/crypto`, as far as the scripts use it.
import { randomBytes as nodeRandomBytes } from 'node:crypto';

export function randomBytes(size: number): ArrayBuffer {
  return Uint8Array.from(nodeRandomBytes(size)).buffer;
}
