import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import { runSessionStoreContract } from './session-store.contract.ts';

runSessionStoreContract('memory', (clock) => new MemorySessionStore(clock));
