// Local fake of NHTSA vPIC and Google Places speaking their real wire format, with failure modes that
// tests switch in-process (setMode) or over HTTP (/__control) to exercise timeouts, 502s and caching.
// POST /__control/crash throws an uncaught error in the process hosting the fakes (as s3rver once did
// on a photo race), to prove `make dev` contains an embedded service's error.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { fixtures } from './fixtures.ts';
import { nearbySearch } from './places.ts';
import { decodeVinValues } from './vpic.ts';

export type Service = 'vpic' | 'places';
export type Mode = 'ok' | 'fail' | 'slow' | 'garbage' | 'hang' | 'over-query-limit' | 'request-denied' | 'zero-results';

export const MODES: readonly Mode[] = ['ok', 'fail', 'slow', 'garbage', 'hang', 'over-query-limit', 'request-denied', 'zero-results'];
const PLACES_STATUS_MODES: Partial<Record<Mode, object>> = {
  'over-query-limit': fixtures.overQueryLimit,
  'request-denied': fixtures.requestDenied,
  'zero-results': fixtures.zeroResults,
};
export const DEFAULT_SLOW_MS = 10_000;
export const FAKE_PLACES_KEY = 'fake-places-key';

export interface FakeExternalsOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  /** Served at GET /.well-known/jwks.json (404 without it). */
  jwks?: JSONWebKeySet;
}

export interface FakeExternals {
  url: string;
  vpicBaseUrl: string;
  placesBaseUrl: string;
  apiKey: string;
  setMode(service: Service | 'all', mode: Mode, opts?: { delayMs?: number }): void;
  /** Every service back to 'ok', call counters to 0. */
  reset(): void;
  /** Upstream API requests received (whatever the mode answered), for cache-hit tests. */
  calls(service: Service | 'jwks'): number;
  close(): Promise<void>;
}

interface ServiceState {
  mode: Mode;
  delayMs: number;
}

type Answer = { status: number; contentType: string; body: string };

const VPIC_JSON = 'application/json; charset=utf-8';
const GOOGLE_JSON = 'application/json; charset=UTF-8';
const json = (body: unknown, contentType = VPIC_JSON, status = 200): Answer => ({ status, contentType, body: JSON.stringify(body) });

class ControlError extends Error {}
/** Thrown, uncaught, by POST /__control/crash. */
export class FakeCrashError extends Error {}

export async function startFakeExternals(options: FakeExternalsOptions = {}): Promise<FakeExternals> {
  const { port = 0, host = '127.0.0.1', apiKey = FAKE_PLACES_KEY, jwks } = options;
  const modes: Record<Service, ServiceState> = { vpic: okState(), places: okState() };
  const counts = { vpic: 0, places: 0, jwks: 0 };
  const timers = new Set<NodeJS.Timeout>();

  function setMode(service: Service | 'all', mode: Mode, opts: { delayMs?: number } = {}): void {
    if (service !== 'vpic' && service !== 'places' && service !== 'all') throw new ControlError(`unknown service "${String(service)}" (vpic, places, all)`);
    if (!MODES.includes(mode)) throw new ControlError(`unknown mode "${String(mode)}" (${MODES.join(', ')})`);
    if (mode in PLACES_STATUS_MODES && service !== 'places') throw new ControlError(`mode "${mode}" is a Places status; use service "places"`);
    const delayMs = opts.delayMs ?? DEFAULT_SLOW_MS;
    if (!Number.isInteger(delayMs) || delayMs < 0) throw new ControlError('delayMs must be a non-negative integer');
    for (const s of service === 'all' ? (['vpic', 'places'] as const) : [service]) modes[s] = { mode, delayMs };
  }

  function reset(): void {
    modes.vpic = okState();
    modes.places = okState();
    counts.vpic = counts.places = counts.jwks = 0;
  }

  function upstream(service: Service, res: http.ServerResponse, normal: () => Answer): void {
    counts[service]++;
    const { mode, delayMs } = modes[service];
    const status = PLACES_STATUS_MODES[mode];
    if (status) {
      send(res, json(status, GOOGLE_JSON));
      return;
    }
    switch (mode) {
      case 'ok':
        send(res, normal());
        return;
      case 'fail':
        send(res, service === 'vpic'
          ? json({ Message: 'An error has occurred.' }, VPIC_JSON, 500)
          : { status: 500, contentType: 'text/html; charset=UTF-8', body: '<html><body><h1>500 Server Error</h1></body></html>' });
        return;
      case 'garbage': // claims JSON, is not: a truncated body
        send(res, { status: 200, contentType: service === 'vpic' ? VPIC_JSON : GOOGLE_JSON, body: '{"Count":1,"Results":[{"Make":"HON' });
        return;
      case 'hang': // never answered; close() destroys the socket
        return;
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send(res, normal());
        }, delayMs);
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
      }
    }
  }

  async function control(req: http.IncomingMessage, path: string): Promise<Answer> {
    if (req.method === 'GET' && path === '/__control/calls') return json({ ...counts, modes });
    if (req.method === 'POST' && path === '/__control/crash') {
      setImmediate(() => {
        throw new FakeCrashError('fake externals: crash requested via POST /__control/crash');
      });
      return json({ ok: true, crashing: true });
    }
    if (req.method === 'POST' && path === '/__control/reset') {
      reset();
      return json({ ok: true });
    }
    if (req.method === 'POST' && path === '/__control') {
      let body: { service?: Service | 'all'; mode?: Mode; delayMs?: number };
      try {
        body = JSON.parse(await readBody(req)) as typeof body;
      } catch {
        throw new ControlError('body must be JSON {service, mode, delayMs?}');
      }
      setMode(body.service ?? 'all', body.mode as Mode, { delayMs: body.delayMs });
      return json({ ok: true, modes });
    }
    return json({ error: 'not found' }, VPIC_JSON, 404);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    const vin = /^\/api\/vehicles\/DecodeVinValues\/([^/]+)\/?$/.exec(path);
    if (req.method === 'GET' && vin) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(vin[1]);
      } catch {
        return send(res, json({ Message: 'The request is invalid.' }, VPIC_JSON, 400));
      }
      return upstream('vpic', res, () => json(decodeVinValues(decoded)));
    }
    if (req.method === 'GET' && path === '/maps/api/place/nearbysearch/json') {
      return upstream('places', res, () => json(nearbySearch(url.searchParams, apiKey), GOOGLE_JSON));
    }
    if (req.method === 'GET' && path === '/.well-known/jwks.json' && jwks) {
      counts.jwks++;
      return send(res, json(jwks));
    }
    if (path === '/__control' || path.startsWith('/__control/')) {
      control(req, path).then(
        (answer) => send(res, answer),
        (err: Error) => send(res, json({ error: err.message }, VPIC_JSON, err instanceof ControlError ? 400 : 500)),
      );
      return;
    }
    send(res, json({ error: 'not found' }, VPIC_JSON, 404));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${actualPort}`;

  return {
    url,
    vpicBaseUrl: `${url}/api`,
    placesBaseUrl: `${url}/maps/api`,
    apiKey,
    setMode,
    reset,
    calls: (service) => counts[service],
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections(); // includes the sockets of 'hang' and 'slow' requests
      }),
  };
}

function okState(): ServiceState {
  return { mode: 'ok', delayMs: DEFAULT_SLOW_MS };
}

function send(res: http.ServerResponse, answer: Answer): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

async function readBody(req: http.IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ControlError('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The host to put in URLs: wildcard binds are reached on loopback, IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
