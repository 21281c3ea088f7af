import { Router } from 'express';
import { openApiDocument } from './openapi.ts';

const body = JSON.stringify(openApiDocument);

export const openApiRouter = Router().get('/openapi.json', (_req, res) => {
  res.type('application/json').send(body);
});
