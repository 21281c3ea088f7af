/**
 * Preloaded (`node --import`) into a pod the local cluster starts over an IPC channel: when the
 * channel closes, the launcher is gone, whatever ended it (SIGKILL included), and the pod stops as
 * on SIGTERM, draining first. Without a channel (started by hand) this does nothing.
 */
if (process.channel !== undefined) {
  // The channel only watches the launcher: it must not keep a stopped pod's event loop alive.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
