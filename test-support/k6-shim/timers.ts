// Shim of `k6/timers`: k6's event-loop timers behave like Node's.
export { setTimeout, clearTimeout, setInterval, clearInterval } from 'node:timers';
