// The contract as OpenAPI 3.1, built by @fastify/swagger from the routes' own TypeBox schemas: every /api
// route of every capsule (registered whatever the flags say, so a gateway with every feature on express
// documents them all), the admin API and /health (src/contract/document.ts says how). Served at /docs
// (Swagger UI) and /docs/openapi.json; docs/openapi.json is the committed copy (`make openapi`, checked by
// test/openapi.test.ts).
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { SWAGGER_OPTIONS } from '../contract/document.ts';

/** Where the UI and the document are served. */
export const DOCS_PREFIX = '/docs';

export const openapiPlugin = fp(async (app) => {
  await app.register(swagger, SWAGGER_OPTIONS);
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get(`${DOCS_PREFIX}/openapi.json`, { schema: { hide: true } }, () => app.swagger());
  // No plugin it needs; it must only come before the routes (it documents what onRoute sees), which app.ts orders.
}, { name: 'openapi' });
