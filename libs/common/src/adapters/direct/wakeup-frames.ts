import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventEnvelope } from '../../ports/event-bus.ts';

const LENGTH_BYTES = 4;
const MAC_BYTES = 32;
/**
 * Largest frame accepted: a carried record (MAX_CARRIED_SDP_LENGTH characters, up to six bytes
 * each once JSON-escaped) with its envelope fits well inside; anything bigger is not a peer's.
 */
export const MAX_FRAME_BYTES = 512 * 1024;

/** Frames carry their length, then HMAC-SHA256 of the payload under the shared key, then the payload (the envelope as JSON). */
export function encodeFrame(event: EventEnvelope, key: Buffer): Buffer {
  const payload = Buffer.from(JSON.stringify(event));
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + MAC_BYTES + payload.length);
  frame.writeUInt32BE(MAC_BYTES + payload.length, 0);
  createHmac('sha256', key).update(payload).digest().copy(frame, LENGTH_BYTES);
  payload.copy(frame, LENGTH_BYTES + MAC_BYTES);
  return frame;
}

export class FrameError extends Error {}

/**
 * Cuts a byte stream into authenticated payloads: signed with any of `keys`, so that a new
 * secret can be accepted everywhere before any replica signs with it. Throws FrameError on a
 * frame that is too large or carries a wrong MAC: the stream is then not a peer's and must be
 * dropped whole.
 */
export class FrameReader {
  readonly #keys: readonly Buffer[];
  #buffered: Buffer = Buffer.alloc(0);

  constructor(keys: readonly Buffer[]) {
    this.#keys = keys;
  }

  /** The payloads completed by `chunk`, in order. */
  push(chunk: Buffer): Buffer[] {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const payloads: Buffer[] = [];
    while (this.#buffered.length >= LENGTH_BYTES) {
      const length = this.#buffered.readUInt32BE(0);
      if (length < MAC_BYTES || length > MAX_FRAME_BYTES) throw new FrameError(`frame of ${length} bytes`);
      if (this.#buffered.length < LENGTH_BYTES + length) break;
      const mac = this.#buffered.subarray(LENGTH_BYTES, LENGTH_BYTES + MAC_BYTES);
      const payload = this.#buffered.subarray(LENGTH_BYTES + MAC_BYTES, LENGTH_BYTES + length);
      if (!this.#keys.some((key) => timingSafeEqual(mac, createHmac('sha256', key).update(payload).digest()))) throw new FrameError('frame with a wrong MAC');
      payloads.push(payload);
      this.#buffered = this.#buffered.subarray(LENGTH_BYTES + length);
    }
    return payloads;
  }
}
