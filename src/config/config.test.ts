// The configuration schema: defaults, a bad variable named, and dev tools impossible in production.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db', AUTH_ISSUER: 'https://issuer/', AUTH_AUDIENCE: 'aud', AUTH_JWKS_URL: 'https://issuer/jwks' };

test('defaults: dev tools are off', () => {
  assert.equal(loadConfig(base).DEV_TOOLS, false);
});

test('DEV_TOOLS=true is accepted with NODE_ENV exactly development or test (development is the default)', () => {
  assert.equal(loadConfig({ ...base, DEV_TOOLS: 'true' }).DEV_TOOLS, true);
  assert.equal(loadConfig({ ...base, NODE_ENV: 'development', DEV_TOOLS: 'true' }).DEV_TOOLS, true);
  assert.equal(loadConfig({ ...base, NODE_ENV: 'test', DEV_TOOLS: 'true' }).DEV_TOOLS, true);
});

test('DEV_TOOLS=true with any other NODE_ENV (production in any spelling, staging, …) is refused at start, naming both', () => {
  for (const nodeEnv of ['production', 'Production', 'PRODUCTION', 'production ', ' production', 'prod', 'staging', 'Development', '']) {
    assert.throws(() => loadConfig({ ...base, NODE_ENV: nodeEnv, DEV_TOOLS: 'true' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError, nodeEnv);
      assert.match(err.message, /DEV_TOOLS.*NODE_ENV/);
      return true;
    }, JSON.stringify(nodeEnv));
  }
  assert.equal(loadConfig({ ...base, NODE_ENV: 'production' }).DEV_TOOLS, false);
  assert.equal(loadConfig({ ...base, NODE_ENV: 'Production', DEV_TOOLS: 'false' }).DEV_TOOLS, false);
});

test('a bad value names its variable', () => {
  assert.throws(() => loadConfig({ ...base, PORT: '70000' }), /PORT/);
  assert.throws(() => loadConfig({ ...base, DEV_TOOLS: 'maybe' }), /DEV_TOOLS/);
});
