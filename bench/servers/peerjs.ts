// Baseline: the PeerJS server, the open-source signaling server people reach for, as shipped.
import { PeerServer } from 'peer';
import { listenAddress } from './listen-address.ts';

const { port, host } = listenAddress();
PeerServer({
  port,
  host,
  path: '/',
  // The default 5,000 would refuse the 10,000 idle peers the memory case holds.
  concurrent_limit: 1_000_000,
  // Bench clients do not send PeerJS's 5 s heartbeats; the default 60 s would drop them mid-run.
  alive_timeout: 3_600_000,
});
