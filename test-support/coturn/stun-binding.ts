import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const MAGIC_COOKIE = 0x2112a442;

/**
 * Sends one STUN Binding request over UDP; resolves true when a matching success response
 * arrives within `timeoutMs`. Binding needs no credentials, so it tells "TURN server is listening"
 * apart from "TURN server refuses these credentials".
 */
export function stunBinding(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const transactionId = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(BINDING_REQUEST, 0);
  request.writeUInt16BE(0, 2);
  request.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(request, 8);

  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const finish = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('message', (message) => {
      if (message.length >= 20 && message.readUInt16BE(0) === BINDING_SUCCESS && message.subarray(8, 20).equals(transactionId)) {
        finish(true);
      }
    });
    socket.send(request, port, host);
  });
}
