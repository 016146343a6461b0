// How the routes become the OpenAPI document: which routes are the contract, their tags, operation ids,
// the headers every answer carries, the upload bodies, and the factoring of the shared error bodies and
// headers into `components`. The options of @fastify/swagger, registered by src/plugins/openapi.ts.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema, RouteOptions } from 'fastify';
import { featureForPath, FEATURE_NAMES } from '../../flags/registry.ts';

/** Routes that are part of the contract: the features, the admin API (not the console's files) and health. */
function documented(url: string, route: RouteOptions): boolean {
  if (route.config && 'backend' in route.config && route.config.backend === 'express') return false; // the proxy's catch-alls
  if (url.startsWith('/api/')) return true;
  if (url.startsWith('/admin/')) return !url.startsWith('/admin/console');
  return url === '/health' || url === '/health/live';
}

function tagOf(url: string): string {
  if (url.startsWith('/admin/')) return 'admin';
  return featureForPath(url)?.name ?? 'health';
}

/** Fastify writes `:id`; OpenAPI writes `{id}`. */
const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** `GET /api/vehicles/{id}` → `getApiVehiclesById`: stable, unique, readable in generated clients. */
function operationId(method: string, url: string): string {
  const words = url.split('/').filter(Boolean).map((part) => part.startsWith(':') ? `by-${part.slice(1)}` : part);
  return method.toLowerCase() + words.flatMap((w) => w.split('-')).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

// Headers the contract names on every answer (x-request-id; x-backend under /api) and on some (retry-after
// on a 429, location on a 201). Declared here once rather than on every route's responses.
const REQUEST_ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$', description: 'The request id: the incoming x-request-id when valid, else a new one' };
const BACKEND = { type: 'string', enum: ['express', 'fastify'], description: 'Which backend served the request' };
const RETRY_AFTER = { type: 'string', pattern: '^[0-9]+$', description: 'Seconds until the rate limit resets' };
/** Headers a client can rely on: marked `required` in the document (OpenAPI headers default to optional). */
export const REQUIRED_HEADERS = new Set(['x-request-id', 'x-backend', 'retry-after', 'location']);

function withHeaders(url: string, responses: unknown): Record<string, unknown> | undefined {
  if (!isRecord(responses)) return undefined;
  const api = url.startsWith('/api/');
  return Object.fromEntries(Object.entries(responses).map(([status, schema]) => {
    if (!isRecord(schema)) return [status, schema];
    const own = isRecord(schema.headers) ? schema.headers : {};
    const headers = { 'x-request-id': REQUEST_ID, ...(api ? { 'x-backend': BACKEND } : {}), ...(status === '429' ? { 'retry-after': RETRY_AFTER } : {}), ...own };
    return [status, { ...schema, headers }];
  }));
}

/** An upload route's raw body (rawUpload in src/policy/schemas.ts) as the requestBody the document shows; never validated. */
function rawBody(schema: FastifySchema): Pick<FastifySchema, 'body' | 'description'> {
  const raw = 'x-raw-body' in schema ? schema['x-raw-body'] : undefined;
  if (!isRecord(raw) || !Array.isArray(raw.types)) return {};
  return {
    description: `The raw bytes, streamed to object storage: at most ${String(raw.maxBytes)} bytes (else 413) of one of the listed types (else 415); a refused upload stores nothing.`,
    body: { content: Object.fromEntries(raw.types.map((type: string) => [type, { schema: { type: 'string', contentMediaType: type } }])) },
  };
}

export const transform: FastifyDynamicSwaggerOptions['transform'] = ({ schema, url, route }) => {
  const base: FastifySchema = schema ?? {};
  if (!documented(url, route)) return { schema: { ...base, hide: true }, url };
  const method = [route.method].flat()[0];
  const secured = !url.startsWith('/health');
  const { 'x-raw-body': _raw, ...rest }: FastifySchema & { 'x-raw-body'?: unknown } = base;
  return {
    schema: {
      ...rest,
      tags: [tagOf(url)],
      operationId: operationId(method, url),
      ...(secured ? { security: [{ bearerAuth: [] }] } : {}),
      ...rawBody(base),
      response: withHeaders(url, base.response),
    },
    url: openapiPath(url),
  };
};

export const OPENAPI: FastifyDynamicSwaggerOptions['openapi'] = {
  openapi: '3.1.0',
  info: {
    title: 'MotoVaultPro API',
    version: '1.0.0',
    description: 'The contract both backends serve (the legacy Express app and the native Fastify capsules); the gateway serves it whichever backend a feature is on. Choices where the contract was silent: docs/api-notes.md.',
  },
  tags: [
    ...FEATURE_NAMES.map((name) => ({ name })),
    { name: 'admin', description: 'Flags, ramps, live figures and shadow results (permission admin:flags); docs/admin-api.md' },
    { name: 'health', description: 'Readiness and liveness (no token)' },
  ],
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'RS256 token; user id = sub' } },
  },
};

const HEADER_COMPONENTS: Record<string, string> = { 'x-request-id': 'RequestId', 'x-backend': 'Backend', 'retry-after': 'RetryAfter' };

/**
 * Once the routes are written out: the headers of REQUIRED_HEADERS marked `required` (swagger cannot), the
 * common headers and each status's error body written once under `components` and referenced from every
 * response (the same schema objects on every route; inlined they would be most of the document).
 */
export function factorDocument(doc: Record<string, unknown>): void {
  const components = isRecord(doc.components) ? doc.components : {};
  const headerComponents: Record<string, unknown> = isRecord(components.headers) ? components.headers : {};
  const schemaComponents: Record<string, unknown> = isRecord(components.schemas) ? components.schemas : {};
  const paths = isRecord(doc.paths) ? doc.paths : {};
  for (const item of Object.values(paths)) {
    for (const operation of isRecord(item) ? Object.values(item) : []) {
      const responses = isRecord(operation) && isRecord(operation.responses) ? operation.responses : {};
      for (const [status, response] of Object.entries(responses)) {
        if (!isRecord(response)) continue;
        const headers = isRecord(response.headers) ? response.headers : {};
        for (const [name, header] of Object.entries(headers)) {
          if (!isRecord(header)) continue;
          if (REQUIRED_HEADERS.has(name)) header.required = true;
          const component = HEADER_COMPONENTS[name];
          if (!component) continue;
          headerComponents[component] ??= header;
          headers[name] = { $ref: `#/components/headers/${component}` };
        }
        const media = isRecord(response.content) && isRecord(response.content['application/json']) ? response.content['application/json'] : undefined;
        if (Number(status) < 400 || !media) continue;
        const name = `Error${status}`;
        schemaComponents[name] ??= media.schema;
        if (JSON.stringify(schemaComponents[name]) === JSON.stringify(media.schema)) media.schema = { $ref: `#/components/schemas/${name}` };
      }
    }
  }
  doc.components = { ...components, headers: headerComponents, schemas: schemaComponents };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * @fastify/swagger's options for the contract: the gateway's document (src/plugins/openapi.ts) and the shadow
 * replay worker's (src/shadow/worker/replay-app.ts, the same capsule routes) are built alike.
 */
export const SWAGGER_OPTIONS: FastifyDynamicSwaggerOptions = {
  openapi: OPENAPI,
  transform,
  transformObject: (documentObject) => {
    if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
    factorDocument(documentObject.openapiObject);
    return documentObject.openapiObject;
  },
};
