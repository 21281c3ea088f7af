import type { NextFunction, Request, Response } from 'express';
import { badRequest } from '@signal/common/errors';

/**
 * With room-affine routing (ROOM_PARAM_REQUIRED) the ingress hashes each POST on its `?room`: one
 * without it would go wherever the empty key hashes, every such request to the same replica, and
 * its wake-ups would cross replicas. It is refused instead, before its body is read.
 */
export function requireRoomParam(req: Request, _res: Response, next: NextFunction): void {
  if (req.query.room === undefined) throw badRequest('Missing room: give ?room=<the room uuid> (this deployment routes each room to one replica)');
  next();
}
