// Test helpers for the stations feature: an extra legacy app + native gateway built from the harness's
// environment with overrides (no API key, Redis unreachable), and shared request builders.
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config/config.ts';
import { buildApp } from '../../../src/app.ts';
import { flagEnv, hasLegacyApp, startLegacy, type TestEnv } from '../../support/harness.ts';

export interface BackendPair {
  legacy: string;
  gatewayFastify: string;
  close(): Promise<void>;
}

/** A legacy app and a gateway with every native capsule on, both configured with `overrides`. */
export async function startPair(env: TestEnv, overrides: Record<string, string>): Promise<BackendPair> {
  const stops: Array<() => Promise<unknown>> = [];
  const legacy = hasLegacyApp() ? await startLegacy(loadConfig({ ...env.env, ...overrides }), stops) : undefined;
  const native = new Set(env.capsules.map((c) => c.feature));
  const gwEnv = { ...env.env, ...overrides, ...(legacy ? { LEGACY_URL: legacy } : {}), ...flagEnv('fastify', native) };
  const gateway = await buildApp({ config: loadConfig(gwEnv), env: gwEnv, capsules: env.capsules });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  const gatewayUrl = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  return {
    gatewayFastify: gatewayUrl,
    legacy: legacy ?? gatewayUrl, // once legacy-express is deleted the native gateway stands in for it
    async close() {
      await gateway.close();
      for (const stop of stops) await stop();
    },
  };
}

export const searchPath = (lat: number | string, lng: number | string, radius?: number | string) =>
  `/api/stations/search?lat=${lat}&lng=${lng}${radius === undefined ? '' : `&radius=${radius}`}`;

export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A valid POST /api/stations/saved body; `placeId` is unique per call unless given. */
export function savedBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { placeId: `place-${Math.random().toString(36).slice(2)}`, name: 'Repsol', lat: 37.712465, lng: -5.0804691, ...over };
}
