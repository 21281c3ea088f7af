/**
 * Process preload: `node --import ./libs/common/src/observability/tracing-preload.ts services/<name>/src/main.ts`.
 *
 * It must run before the application's first import: instrumentations patch `http` and
 * `express` as they load, and a module loaded earlier stays unpatched. With tracing off (the
 * default, see `tracingRequested`) it returns at once and the SDK is never imported.
 */
import { tracingRequested } from './tracing.ts';

if (tracingRequested(process.env)) {
  // Express is CommonJS, but the app imports it from ESM, and ESM imports bypass the require
  // hook that instrumentations use; this loader hook catches them. It intercepts only the
  // modules instrumented here, so nothing else pays for a wrapped import.
  const { register, supportsSyncHooks } = await import('import-in-the-middle/register-hooks.mjs');
  if (supportsSyncHooks()) {
    register({ include: ['express'] });
  } else {
    process.emitWarning('Express spans need Node >= 24.11.1 (synchronous module hooks); tracing only HTTP server spans.');
  }
  const { defaultServiceName, startTracing } = await import('./tracing-sdk.ts');
  const serviceName = defaultServiceName(process.argv[1], process.env);
  startTracing(serviceName === undefined ? {} : { serviceName });
}
