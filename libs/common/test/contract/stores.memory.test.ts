import { MemorySdpStore } from '../../src/adapters/memory/memory-sdp-store.ts';
import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import { runSdpStoreContract } from './sdp-store.contract.ts';
import { runSessionStoreContract } from './session-store.contract.ts';

runSessionStoreContract('memory', (clock) => new MemorySessionStore(clock));
runSdpStoreContract('memory', (clock) => new MemorySdpStore(clock));
