import type { IceConfig } from '@signal/common/api/schemas';
import type { TurnConfig } from '@signal/common/config/config';
import { turnCredential } from './turn-credentials.ts';

type IceServer = IceConfig['cfg']['iceServers'][number];

/** The RTCPeerConnection configuration the seed's clients expect, with fresh TURN credentials. */
export function iceConfig(turn: TurnConfig, nowMs: number): IceConfig {
  const expiry = Math.floor(nowMs / 1000) + turn.credentialTtlSeconds;
  const [secret] = turn.secrets;
  const credential = secret === undefined ? undefined : turnCredential(secret, expiry, turn.usernameSuffix);
  const iceServers: IceServer[] = [
    ...turn.urls.map((urls) => ({ urls, hasCredentials: true, ...credential })),
    ...turn.stunUrls.map((urls) => ({ urls, hasCredentials: false })),
  ];
  return {
    cfg: { iceCandidatePoolSize: turn.candidatePoolSize, iceTransportPolicy: turn.transportPolicy, iceServers },
    con: { optional: [{ DtlsSrtpKeyAgreement: true }] },
  };
}
