import { runMain } from '@signal/common/http/serve';
import { iceService } from '@signal/ice/app';
import { sessionService } from '@signal/session/app';
import { signalingService } from '@signal/signaling/app';
import { devRoutes } from './dev-routes.ts';

/** All three services in one process, routed by path as the cluster's ingress does. */
await runMain({
  role: 'all-in-one',
  services: (platform) => [sessionService(platform), signalingService(platform), iceService(platform)],
  extra: devRoutes,
});
