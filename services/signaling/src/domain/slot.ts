import type { SdpKey } from '@signal/common/ports/sdp-store';

/** One string per SDP slot, for maps keyed by slot. */
export const slotOf = (key: SdpKey): string => `${key.room}|${key.type}|${key.from}|${key.to}`;
