// Baseline: the per-request ceiling of Node's HTTP stack on this machine.
import { createServer } from 'node:http';
import { listenAddress } from './listen-address.ts';

const body = JSON.stringify({ hello: 'world' });
const { port, host } = listenAddress();
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(port, host);
