import type { PeerId } from '@signal/common/api/ids';
import type { IceConfig } from '@signal/common/api/schemas';
import type { TurnConfig } from '@signal/common/config/config';
import { turnCredential } from './turn-credentials.ts';

type IceServer = IceConfig['cfg']['iceServers'][number];

/**
 * The RTCPeerConnection configuration the seed's clients expect, with fresh TURN credentials for
 * `peer`. With TURN_USERNAME=peer the username names the peer, so coturn's logs and quotas can
 * tell users apart and one user's credentials can be refused.
 */
export function iceConfig(turn: TurnConfig, peer: PeerId, nowMs: number): IceConfig {
  const expiry = Math.floor(nowMs / 1000) + turn.credentialTtlSeconds;
  const [secret] = turn.secrets;
  const suffix = turn.username === 'peer' ? peer : turn.usernameSuffix;
  const credential = secret === undefined ? undefined : turnCredential(secret, expiry, suffix);
  const iceServers: IceServer[] = [
    ...turn.urls.map((urls) => ({ urls, hasCredentials: true, ...credential })),
    ...turn.stunUrls.map((urls) => ({ urls, hasCredentials: false })),
  ];
  return {
    cfg: { iceCandidatePoolSize: turn.candidatePoolSize, iceTransportPolicy: turn.transportPolicy, iceServers },
    con: { optional: [{ DtlsSrtpKeyAgreement: true }] },
  };
}
