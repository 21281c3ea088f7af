/** Example values from the seed's OpenAPI export (shared/seeds), shown in the generated document. */
const SDP = 'v=0\r\no=- 4287846699269234128 2 IN IP4 123.0.0.1\r\ns=-\r\nt=0 0\r\na=.......more';
const PEER = '095be615-a8ad-4c33-8e9c-c7612fbf6c9f';
const CREDENTIALS = { hasCredentials: true, username: '00000000:turntls', credential: 'IceServerInfo=' };

export const seedExamples = {
  storedSdp: { from: PEER, sdp: SDP },
  sdpPost: { to: PEER, sdp: SDP, room: { uuid: '00000000-0000-0000-0000-000000000001', shortname: 'some-four-random-words' } },
  expireRequest: {
    source: '07b8e003-7027-443f-88b0-24a5eb1cc68b',
    type: 'answer',
    destination: '5332a938-399a-405c-8866-445d97d52324',
    room: { uuid: PEER, shortname: 'some-four-random-words', name: 'Test Room', connected: true },
  },
  accepted: { body: true },
  invalidId: { body: 'Invalid id 12345678' },
  failedLogout: { body: 'Failed to logout' },
  login: {
    session: {
      auth_source: { name: 'smeconnect.dev', code: 'adapt-authn-serverless.additional-information.azure' },
      subject: '1234567891000000000000',
      uid: 'testUser@turnaroundfactor.com',
      name: 'Test User',
      uuid: PEER,
    },
  },
  iceServers: JSON.stringify({
    cfg: {
      iceCandidatePoolSize: 5,
      iceTransportPolicy: 'all',
      iceServers: ['turns:coturn-east.url.dev', 'turns:coturn-west.url.dev', 'turn:coturn-east.url.dev', 'turn:coturn-west.url.dev'].map((urls) => ({ urls, ...CREDENTIALS })),
    },
    con: { optional: [{ DtlsSrtpKeyAgreement: true }] },
  }),
};
