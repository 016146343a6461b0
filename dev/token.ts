// `make token`: prints one dev bearer token. Env: SUB (default dev-user), PERMISSIONS (comma list),
// EXPIRES_IN (default 24h), DEV_KEYS_DIR (default <repo>/.data/dev-keys).
import { resolve } from 'node:path';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_KEYS_DIR, ensureDevKeys, signToken } from './keys.ts';

if (process.env.AUTH_JWKS_URL) {
  console.error(
    `AUTH_JWKS_URL is set (${process.env.AUTH_JWKS_URL}): the apps trust a real issuer, and its tokens cannot be minted locally.\n` +
      'Get a token from that issuer, or unset AUTH_JWKS_URL to use the dev keys.',
  );
  process.exit(2);
}

const keysDir = process.env.DEV_KEYS_DIR || DEV_KEYS_DIR;
if (process.env.AUTH_JWKS_FILE && resolve(process.env.AUTH_JWKS_FILE) !== resolve(keysDir, 'jwks.json')) {
  console.error(`AUTH_JWKS_FILE is set to another key set (${process.env.AUTH_JWKS_FILE}); tokens signed with ${keysDir} would not verify against it.`);
  process.exit(2);
}
const keys = await ensureDevKeys(keysDir);
const permissions = (process.env.PERMISSIONS ?? '').split(',').map((p) => p.trim()).filter(Boolean);
const token = await signToken({
  privateJwk: keys.privateJwk,
  // `make dev` always pairs the dev keys with the dev issuer/audience; the env wins only when AUTH_JWKS_FILE names the dev keys explicitly.
  issuer: (process.env.AUTH_JWKS_FILE && process.env.AUTH_ISSUER) || DEV_ISSUER,
  audience: (process.env.AUTH_JWKS_FILE && process.env.AUTH_AUDIENCE) || DEV_AUDIENCE,
  sub: process.env.SUB || 'dev-user',
  permissions,
  expiresIn: process.env.EXPIRES_IN || '24h',
});
process.stdout.write(`${token}\n`);
