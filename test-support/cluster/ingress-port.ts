import { createServer } from 'node:net';

/**
 * Whether the ingress can bind `port` on `host`, tried before any pod starts: a taken port is then
 * one line at once instead of a stack trace after every pod came up. (Port 0 is always free.)
 */
export async function portTaken(port: number, host: string): Promise<boolean> {
  if (port === 0) return false;
  const probe = createServer();
  return new Promise((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}
