import { runMain } from '@signal/common/http/serve';
import { iceService } from './app.ts';

await runMain({ role: 'ice', services: (platform) => [iceService(platform)] });
