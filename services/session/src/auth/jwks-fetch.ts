import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet, type Agent } from 'node:https';

const FETCH_TIMEOUT_MS = 2000;
export const MAX_SET_BYTES = 256 * 1024;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The JSON document at a JWKS URL. Only a 200 with a JSON content type is a key set: a redirect
 * could hand the key set to another origin (or downgrade it to http), so none is followed. The body
 * is read only up to MAX_SET_BYTES, whatever Content-Length claims, and the whole exchange is
 * bounded in time, so a hostile or broken endpoint costs neither memory nor a stuck login.
 * `agent` carries TLS settings for https URLs, such as a private CA.
 */
export function fetchJwks(url: string, agent?: Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const options = { headers: { accept: 'application/json, application/jwk-set+json' }, signal };
    const request = url.startsWith('https:') ? httpsGet(url, agent ? { ...options, agent } : options) : httpGet(url, options);
    const fail = (error: Error) => {
      request.destroy();
      reject(error);
    };
    request.on('error', fail);
    request.on('response', (res: IncomingMessage) => {
      res.on('error', fail);
      if (res.statusCode !== 200) return fail(new Error(`JWKS endpoint answered ${res.statusCode} (only 200 is accepted, redirects are not followed)`));
      if (!JSON_TYPE.test(res.headers['content-type'] ?? '')) return fail(new Error(`JWKS endpoint answered content type ${res.headers['content-type'] ?? '(none)'}, not JSON`));
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_SET_BYTES) return fail(new Error(`JWKS document larger than ${MAX_SET_BYTES} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error instanceof Error ? error : new Error('JWKS document is not JSON'));
        }
      });
    });
  });
}
