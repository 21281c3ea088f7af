// Baseline: the per-request ceiling of Express 5, the framework Signal's routes run on.
import express from 'express';
import { SAMPLE_SDP } from '../lib/sample-sdp.ts';
import { listenAddress } from './listen-address.ts';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
// Hellos shaped like Signal's SDP routes, with nothing of Signal's on them: what Express and Node
// themselves cost a POST that reads a JSON body and a GET that answers with an SDP.
app.post('/hello', express.json({ limit: '64kb' }), (req, res) => {
  res.json({ body: typeof req.body === 'object' });
});
const sdpAnswer = { from: '00000000-0000-4000-8000-000000000000', sdp: SAMPLE_SDP };
app.get('/hello/sdp', (_req, res) => {
  res.json(sdpAnswer);
});
const { port, host } = listenAddress();
app.listen(port, host);
