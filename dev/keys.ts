// Development token signing: one persisted RS256 key pair whose public half (jwks.json) the apps read
// through AUTH_JWKS_FILE, and a signer for tokens shaped like Auth0's (sub, permissions, iss, aud).
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DATA_DIR } from './paths.ts';

export const DEV_ISSUER = 'https://motovaultpro.local/';
export const DEV_AUDIENCE = 'https://api.motovaultpro.local';
export const DEV_KEYS_DIR = `${DATA_DIR}/dev-keys`;

export interface KeyPair {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  jwks: JSONWebKeySet;
}

export interface DevKeys extends KeyPair {
  dir: string;
  jwksFile: string;
  privateJwkFile: string;
}

/** The public half of an RSA private JWK (drops the private members). */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = privateJwk;
  return { kty, n, e, kid, alg, use };
}

function toKeyPair(privateJwk: JWK): KeyPair {
  const publicJwk = publicJwkOf(privateJwk);
  if (!privateJwk.kid) throw new Error('the private JWK has no kid');
  return { kid: privateJwk.kid, privateJwk, publicJwk, jwks: { keys: [publicJwk] } };
}

/** A fresh in-memory RS256 key pair (tests serve `jwks` over HTTP or write it to a file). */
export async function generateDevKeyPair(kid: string = randomUUID()): Promise<KeyPair> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return toKeyPair({ ...jwk, kid, alg: 'RS256', use: 'sig' });
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Loads the persisted dev key pair, creating it on first use; (re)writes jwks.json from it. */
export async function ensureDevKeys(dir: string = DEV_KEYS_DIR): Promise<DevKeys> {
  const abs = resolve(dir);
  const privateJwkFile = join(abs, 'private.jwk.json');
  const jwksFile = join(abs, 'jwks.json');
  await mkdir(dirname(abs), { recursive: true }); // not 0700: the postgres OS user must traverse .data
  await mkdir(abs, { recursive: true, mode: 0o700 });

  let privateJwk = await readJson<JWK>(privateJwkFile);
  if (!privateJwk) {
    const fresh = await generateDevKeyPair();
    const tmp = `${privateJwkFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(fresh.privateJwk, null, 2)}\n`, { mode: 0o600 });
    try {
      // link() fails when the file exists: if two processes race, the first key wins and both use it.
      await link(tmp, privateJwkFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(tmp, { force: true });
    }
    privateJwk = await readJson<JWK>(privateJwkFile);
    if (!privateJwk) throw new Error(`${privateJwkFile} vanished right after it was written`);
  }
  if (privateJwk.kty !== 'RSA' || !privateJwk.d || !privateJwk.kid) {
    throw new Error(`${privateJwkFile} is not an RSA private JWK with a kid; delete ${abs} to regenerate`);
  }

  const pair = toKeyPair(privateJwk);
  const jwksText = `${JSON.stringify(pair.jwks, null, 2)}\n`;
  if ((await readFile(jwksFile, 'utf8').catch(() => '')) !== jwksText) {
    const tmp = `${jwksFile}.${process.pid}.tmp`;
    await writeFile(tmp, jwksText, { mode: 0o644 });
    await rename(tmp, jwksFile);
  }
  return { ...pair, dir: abs, jwksFile, privateJwkFile };
}

export interface SignTokenOptions {
  privateJwk: JWK;
  /** Defaults to the key's own kid. */
  kid?: string;
  issuer: string;
  audience: string | string[];
  sub: string;
  /** Auth0 RBAC style `permissions` claim, e.g. ['admin:flags']. Omitted when undefined. */
  permissions?: string[];
  /** jose time span ('24h', '15m') or seconds-since-epoch number; default '1h'. */
  expiresIn?: string | number;
  notBefore?: string | number | Date;
  /** Merged into the payload before the standard claims (which win). */
  extraClaims?: Record<string, unknown>;
}

/** A compact RS256 JWT. */
export async function signToken(opts: SignTokenOptions): Promise<string> {
  const kid = opts.kid ?? opts.privateJwk.kid;
  const key = await importJWK(opts.privateJwk, 'RS256');
  const payload: Record<string, unknown> = { ...opts.extraClaims };
  if (opts.permissions) payload.permissions = opts.permissions;
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject(opts.sub)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h');
  if (opts.notBefore !== undefined) jwt.setNotBefore(opts.notBefore);
  return jwt.sign(key);
}
