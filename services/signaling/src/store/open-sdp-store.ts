import type { Clock } from '@signal/common/clock';
import type { Metrics } from '@signal/common/observability/metrics';
import type { StoreBacking } from '@signal/common/runtime/adapters';
import { InstrumentedSdpStore } from './instrumented-sdp-store.ts';
import { MemorySdpStore } from './memory-sdp-store.ts';
import type { SdpStore } from './sdp-store.ts';

/**
 * The SDP store on the backing the session store uses: the same memory budget, or the same
 * Cosmos client with the SDP container checked (or created) now. Only signaling opens it. The
 * Cosmos adapter is imported only when chosen, so a memory-mode process never loads the SDK.
 */
export async function openSdpStore(backing: StoreBacking, clock: Clock, metrics: Metrics): Promise<SdpStore> {
  if (backing.kind === 'memory') return new InstrumentedSdpStore(new MemorySdpStore(clock, backing.budget), metrics, 'memory');
  const { CosmosSdpStore, SDP_CONTAINER } = await import('./cosmos-sdp-store.ts');
  const container = await backing.connection.container({ ...SDP_CONTAINER, id: backing.config.sdpsContainer });
  return new InstrumentedSdpStore(new CosmosSdpStore(backing.connection, container, clock), metrics, 'cosmos');
}
