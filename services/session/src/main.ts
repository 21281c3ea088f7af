import { runMain } from '@signal/common/http/serve';
import { sessionService } from './app.ts';

await runMain({ role: 'session', services: (platform) => [sessionService(platform)] });
