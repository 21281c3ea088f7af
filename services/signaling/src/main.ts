import { runMain } from '@signal/common/http/serve';
import { signalingService } from './app.ts';

await runMain({ role: 'signaling', services: (platform) => [signalingService(platform)] });
