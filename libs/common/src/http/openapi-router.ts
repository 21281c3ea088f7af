import type { Request, Response } from 'express';
import { openApiDocument } from './openapi.ts';

const body = JSON.stringify(openApiDocument);

export function serveOpenApi(_req: Request, res: Response): void {
  res.type('application/json').send(body);
}
