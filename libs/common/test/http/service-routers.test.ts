/**
 * The services' routers behind one layer answer every request as one `app.use` per router did:
 * two apps built from the same routers (prefix middleware, a path-less middleware, a path served
 * by two routers, an erroring route), one each way, are asked the same requests and compared.
 */
import express, { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import { serviceRouters } from '../../src/http/service-routers.ts';
import { expectSameAnswers } from './same-answers.ts';

function routers(): Router[] {
  const session = Router();
  session.get('/login', (_req, res) => res.json({ body: 'login' }));
  const signaling = Router();
  signaling.use(['/offer', '/answer'], (req, res, next) => (req.headers.cookie === undefined ? res.status(401).json({ body: 'Not logged in' }) : next()));
  signaling.post('/offer', (_req, res) => res.json({ body: 'posted' }));
  signaling.get('/offer', (_req, res) => res.json({ body: 'offer' }));
  signaling.get('/answer', (_req, res) => res.json({ body: 'answer' }));
  signaling.get('/shared', (_req, _res, next) => next());
  signaling.get('/boom', () => {
    throw new Error('boom');
  });
  const ice = Router();
  ice.use((_req, res, next) => {
    res.setHeader('X-Ice-Saw', 'yes');
    next();
  });
  ice.get('/ice_servers', (_req, res) => res.json({ body: 'ice' }));
  ice.get('/shared', (_req, res) => res.json({ body: 'shared by ice' }));
  return [session, signaling, ice];
}

function app(mount: (app: Express, routers: Router[]) => void): Express {
  const built = express();
  built.set('etag', false);
  mount(built, routers());
  built.use((req, res) => res.status(404).json({ body: `no route for ${req.method} ${req.path}` }));
  built.use((error: Error, _req: Request, res: Response, _next: NextFunction) => res.status(500).json({ body: error.message }));
  return built;
}

const REQUESTS: [string, string, Record<string, string>?][] = [
  ['GET', '/login'],
  ['GET', '/LOGIN/'],
  ['POST', '/login'],
  ['GET', '/offer'],
  ['GET', '/offer', { cookie: 's=1' }],
  ['POST', '/Offer/', { cookie: 's=1' }],
  ['PUT', '/offer', { cookie: 's=1' }],
  ['GET', '/offer/extra'],
  ['GET', '/offer/extra', { cookie: 's=1' }],
  ['HEAD', '/answer', { cookie: 's=1' }],
  ['OPTIONS', '/answer'],
  ['GET', '/ice_servers'],
  ['GET', '/shared'],
  ['GET', '/boom'],
  ['GET', '/nowhere'],
  ['OPTIONS', '/nowhere'],
  ['GET', '/'],
];

test('one layer for the service routers answers each request as one app.use per router does', async () => {
  await expectSameAnswers(
    app((built, all) => all.forEach((router) => built.use(router))),
    app((built, all) => built.use(serviceRouters(all))),
    REQUESTS.map(([method, path, headers]) => ({ method, path, ...(headers === undefined ? {} : { headers }) })),
  );
});

test("the routers' layers are readable through the one layer, as the allowed methods are read", () => {
  const all = routers();
  const paths = serviceRouters(all).stack.flatMap((layer) => (layer.route === undefined ? [] : [layer.route.path].flat()));
  expect(paths).toEqual(['/login', '/offer', '/offer', '/answer', '/shared', '/boom', '/ice_servers', '/shared']);
});
