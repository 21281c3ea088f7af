import type { SdpKey } from '../store/sdp-store.ts';

/** One string per SDP slot, for maps keyed by slot. */
export const slotOf = (key: SdpKey): string => `${key.room}|${key.type}|${key.from}|${key.to}`;
