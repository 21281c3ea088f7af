import { buildOpenApiDocument, type DocumentOptions } from '../api/openapi-document.ts';
import { loadConfig } from '../config/config.ts';
import { documentOptionsOf } from './openapi-router.ts';

const defaults = loadConfig({}, 'signaling', () => '');

/**
 * The OpenAPI document of a deployment with the default configuration, generated from the wire
 * schemas (libs/common/src/api). Tests validate real responses against its component schemas and
 * the client types are generated from it; a running server serves its own (`serveOpenApi`).
 */
export const DEFAULT_DOCUMENT_OPTIONS: DocumentOptions = { ...documentOptionsOf(defaults), serverUrl: `http://127.0.0.1:${defaults.http.port}` };

export const openApiDocument = buildOpenApiDocument(DEFAULT_DOCUMENT_OPTIONS);
