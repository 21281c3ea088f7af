import { runMain } from '@signal/common/http/serve';
import { signalingService } from './app.ts';

await runMain({ role: 'signaling', services: async (platform) => [await signalingService(platform)] });
