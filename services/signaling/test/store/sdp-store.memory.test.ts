import { MemorySdpStore } from '../../src/store/memory-sdp-store.ts';
import { runSdpStoreContract } from './sdp-store.contract.ts';

runSdpStoreContract('memory', (clock) => new MemorySdpStore(clock));
