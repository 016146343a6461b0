// The MotoVaultPro web app: serves web/dist (built by `make web`) at `/` — hashed assets with a year-long
// immutable cache, index.html revalidated — with an SPA fallback for page URLs, and GET /auth/config.
// Without a build the gateway still starts (one warning) and only the fallback is missing.
import fp from 'fastify-plugin';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { authConfigRoute, auth0Domain } from '../web/auth-config-routes.ts';
import { pageCsp, wantsSpaPage } from '../web/spa-fallback.ts';
import { projectRoot } from '../infrastructure/project-root.ts';
import { staticNotFound } from '../web/static-errors.ts';

export const WEB_DIST = join(projectRoot(), 'web/dist/');

export interface WebAppOptions {
  /** The built app (default WEB_DIST_DIR, else web/dist). */
  root?: string;
}

export const webAppPlugin = fp<WebAppOptions>(async (app, opts) => {
  await app.register(authConfigRoute);
  const root = resolve(opts.root ?? (app.config.WEB_DIST_DIR || WEB_DIST));
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'web app not built (run `make web`): / is not served');
    return;
  }
  // Loaded only when there is something to serve (an API-only gateway does not carry it).
  const { default: fastifyStatic } = await import('@fastify/static');
  const csp = pageCsp(auth0Domain(app.config));
  const assets = join(root, 'assets');
  // Encapsulated, so reply.sendFile stays private to the web app (the console registers its own).
  await app.register(async (scope) => {
    staticNotFound(scope);
    await scope.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      wildcard: true, // looked up per request: a rebuild is served without a restart
      index: false,
      dotfiles: 'ignore', // a dotfile does not exist for a client: 404
      cacheControl: false,
      // Asset names carry a content hash; the page itself (sent from `root` below) is revalidated each load.
      setHeaders: (reply, path) => { reply.header('cache-control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache'); },
    });
    scope.get('/*', async (request, reply) => {
      if (!wantsSpaPage(request.method, request.url, request.headers.accept)) return reply.callNotFound();
      reply.header('content-security-policy', csp).header('vary', 'accept');
      return reply.sendFile('index.html', root, { cacheControl: false });
    });
  });
}, { name: 'web-app', dependencies: ['config', 'errors'] });
