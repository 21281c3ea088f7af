// Baseline: the per-request ceiling of Express 5, the framework Signal's routes run on.
import express from 'express';
import { listenAddress } from './listen-address.ts';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const { port, host } = listenAddress();
app.listen(port, host);
