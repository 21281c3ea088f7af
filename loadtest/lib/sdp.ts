/** A short but well-formed offer: the SDP's content does not matter to Signal, its size barely. */
export const SAMPLE_SDP = [
  'v=0',
  'o=- 4287846699269234128 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Xk3p',
  'a=ice-pwd:q7Yb3n9Lm2Vx8Rt4Wc6Zs1Ae',
  'a=fingerprint:sha-256 4A:1F:9C:22:7B:E0:5D:83:10:6E:B4:C7:29:F1:0A:3D:92:58:6C:AE:17:4B:D0:E3:88:2F:71:C9:05:BA:6D:14',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  '',
].join('\r\n');
