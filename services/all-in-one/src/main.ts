import { runMain } from '@signal/common/http/serve';
import { iceService } from '@signal/ice/app';
import { sessionService } from '@signal/session/app';
import { signalingService } from '@signal/signaling/app';
import { announce, browserUrl, devLogDestination } from './dev-console.ts';
import { devRoutes } from './dev-routes.ts';

/** All three services in one process, routed by path as the cluster's ingress does. */
await runMain({
  role: 'all-in-one',
  services: async (platform) => [sessionService(platform), await signalingService(platform), iceService(platform)],
  extra: devRoutes,
  logDestination: (config) => devLogDestination(config),
  onListening: ({ platform, port }) => {
    if (platform.config.auth?.mode !== 'dev') return;
    const url = browserUrl(platform.config.http.host, port);
    announce({ title: 'Signal (dev mode, all three services in one process)', url, metrics: { 'all-in-one': `${url}/metrics` } }, platform.logger);
  },
});
