// The migration console: serves console/dist (built by `make console`) at /admin/console/. The page and
// its assets need no token; every data call it makes goes to the admin API, which does.
import fp from 'fastify-plugin';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../policy/errors.ts';
import { projectRoot } from '../infrastructure/project-root.ts';
import { staticNotFound } from '../web/static-errors.ts';

export const CONSOLE_DIST = join(projectRoot(), 'console/dist/');
const PREFIX = '/admin/console';

export interface ConsoleOptions {
  /** The built console (default console/dist). */
  root?: string;
}

export const consolePlugin = fp<ConsoleOptions>(async (app, opts) => {
  const root = opts.root ?? CONSOLE_DIST;
  // Encapsulated, so reply.sendFile stays private to the console (other static sites may register their own).
  await app.register(async (scope) => {
    if (!existsSync(join(root, 'index.html'))) {
      app.log.warn({ root }, 'migration console not built (run `make console`); /admin/console answers 503');
      const notBuilt = async () => { throw new AppError('SERVICE_UNAVAILABLE', 'The migration console is not built: run `make console`'); };
      scope.get(PREFIX, notBuilt);
      scope.get(`${PREFIX}/*`, notBuilt);
      return;
    }
    // Loaded only when there is something to serve (an API-only gateway does not carry it).
    const { default: fastifyStatic } = await import('@fastify/static');
    staticNotFound(scope);
    await scope.register(fastifyStatic, {
      root,
      prefix: `${PREFIX}/`,
      wildcard: true, // files looked up per request: a rebuild is served without a restart
      index: 'index.html',
      preCompressed: true, // .br/.gz written next to each asset by the build
      cacheControl: false,
      dotfiles: 'ignore', // a dotfile does not exist for a client: 404
      setHeaders: (reply, path) => {
        // Asset names carry a content hash; the page itself is revalidated on every load.
        reply.header('cache-control', path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    scope.get(PREFIX, (_request, reply) => reply.sendFile('index.html'));
  });
}, { name: 'console', dependencies: ['errors'] });
