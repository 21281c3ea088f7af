import type { RequestHandler } from 'express';

/**
 * 415 for any Content-Encoding but identity. No route takes compressed bodies: SDPs are small,
 * and inflating costs CPU out of proportion to the bytes received (a 225-byte gzip body inflates
 * to 69 KB). A route that ever needs one must be exempted here, by path, on purpose.
 */
export const identityEncodingOnly: RequestHandler = (req, res, next) => {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') {
    next();
    return;
  }
  res.status(415).json({ body: 'Unsupported Content-Encoding' });
};
