import express, { type RequestHandler } from 'express';

/**
 * JSON body parsing for the routes that take a body, and only those: a body sent anywhere else
 * is never read, let alone inflated. Compressed bodies are refused before this runs
 * (`identityEncodingOnly`); `inflate: false` keeps it so should the order ever change.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  return express.json({ limit: limitBytes, strict: true, inflate: false });
}
