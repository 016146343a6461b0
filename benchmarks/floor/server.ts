// The benchmark's floor: the read scenarios' work on bare node:http, no framework. Same config, same
// deps (pg pool, Redis cache, jose verifier), the same token cache as the gateway, the same AJV query
// validators, the same service functions (so the same SQL and cache calls), JSON.stringify out. What the
// native gateway does beyond this (routing, hooks, helmet headers, rate limit, metrics, serialisation
// through schemas) is its framework cost. Only the routes the benchmark reads exist; anything else is 404.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { loadConfigOrExit } from '../../src/config/config.ts';
import { closeDeps, createDeps } from '../../src/infrastructure/deps.ts';
import { AppError, routeNotFound } from '../../src/policy/errors.ts';
import { compileValidator, validationErrorFrom } from '../../src/policy/validation.ts';
import { cachedVerifier } from '../../src/policy/token-cache.ts';
import { FLOOR_READS, type ReadCall } from './reads.ts';

/** One validated read route: query schema (coerced and defaulted like the gateway's) and service call. */
const ROUTES = new Map<string, { validate: ReturnType<typeof compileValidator>; call: ReadCall }>(
  FLOOR_READS.map((r) => [r.path, { validate: compileValidator(r.query, 'querystring'), call: r.call }]),
);

const config = loadConfigOrExit();
const deps = createDeps(config, { warn: (obj, msg) => console.warn(msg, obj) });
const verify = cachedVerifier(deps.verifyToken);

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'x-backend': 'floor' });
  res.end(json);
}

function fail(res: ServerResponse, err: unknown): void {
  const e = err instanceof AppError ? err : new AppError('INTERNAL_ERROR');
  if (!(err instanceof AppError)) console.error(err);
  send(res, e.status, e.toBody());
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path === '/health') return send(res, 200, { status: 'ok' });
  const r = req.method === 'GET' ? ROUTES.get(path) : undefined;
  if (!r) throw routeNotFound(req.method ?? 'GET', path);
  const userOrPromise = verify(req.headers.authorization);
  const user = userOrPromise instanceof Promise ? await userOrPromise : userOrPromise;
  const query: Record<string, unknown> = q === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(q + 1)));
  if (!r.validate(query)) throw validationErrorFrom(r.validate.errors, 'querystring');
  send(res, 200, await r.call(deps, user.sub, query));
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  handle(req, res).catch((err: unknown) => fail(res, err));
});
server.listen(config.PORT, config.HOST);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    server.close();
    server.closeIdleConnections();
    void closeDeps(deps).finally(() => process.exit(0));
  });
}
