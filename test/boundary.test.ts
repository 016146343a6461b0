// The strangler boundary, enforced: deleting legacy-express/ and the express dependency must touch nothing else.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { encoding: 'utf8' })
  .split('\n').filter((f) => f && !f.startsWith('node_modules/'));
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

test('nothing outside legacy-express/ imports express, its cors middleware, or legacy-express/', () => {
  const offenders = files.filter((f) => !f.startsWith('legacy-express/')).flatMap((f) =>
    importsOf(f).filter((i) => /^(express|cors)$/.test(i) || /(^|\/)legacy-express\//.test(i)).map((i) => `${f} → ${i}`));
  assert.deepEqual(offenders, []);
});

test('a capsule does not reach into another capsule', () => {
  const offenders = files.filter((f) => f.startsWith('fastify-features/')).flatMap((f) => {
    const own = f.split('/')[1];
    return importsOf(f).filter((i) => {
      const m = /fastify-features\/([^/]+)\//.exec(i) ?? /^\.\.\/\.\.\/([a-z-]+)\//.exec(i);
      return m && m[1] !== own && ['vehicles', 'fuel-logs', 'stations', 'maintenance'].includes(m[1]);
    }).map((i) => `${f} → ${i}`);
  });
  assert.deepEqual(offenders, []);
});

test('domain code is plain: no framework, no database, no HTTP', () => {
  const offenders = files.filter((f) => /^fastify-features\/[^/]+\/domain\//.test(f)).flatMap((f) =>
    importsOf(f).filter((i) => /^(fastify|@fastify\/|express|pg|ioredis|minio)/.test(i)).map((i) => `${f} → ${i}`));
  assert.deepEqual(offenders, []);
});

test('the gateway knows nothing of shadow runs: no file in src/routing/, src/plugins/ or src/progressive/ mentions them', () => {
  // routing/ and plugins/ never say "shadow" at all; progressive/ may name the stage (flags, gate figures) but
  // not the runs, their marker, a `shadow` backend, or the shadow machinery that taps and replays.
  const runs = /shadow[ -]?runs?\b|x-mvp-shadow|isShadowRun|shadowMark|backend\s*[!=]==?\s*'shadow'|\/shadow\/(tap|capture|runner|replay|replay-host|marker|worker\/)/i;
  const offenders = files.filter((f) => /^src\/(routing|plugins|progressive)\//.test(f)).filter((f) => {
    const text = readFileSync(f, 'utf8');
    return f.startsWith('src/progressive/') ? runs.test(text) : /shadow/i.test(text);
  });
  assert.deepEqual(offenders, []);
});
