// Where the gateway's idle memory goes: the built gateway loaded step by step in a child process started
// with --expose-gc (a full GC before each reading), RSS and V8 heap after each step — bare Node, modules
// imported, app built, app ready — then the largest strings a heap snapshot holds (module sources, mostly).
// The child is plain JavaScript (node -e), so no TypeScript loader sits in the heap being measured.
//
//   npm run build && node benchmarks/idle-memory.ts
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appEntry, GATEWAY_ENV_FILE, REPO_ROOT } from '../stack/apps.ts';
import { flagEnv } from '../flags/registry.ts';
import { setUpEnvironment } from './environment.ts';

const CHILD = `
import { readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
const mb = (b) => (b / 2 ** 20).toFixed(1);
const reading = (label) => {
  gc(); gc();
  const m = process.memoryUsage();
  console.log('  ' + label.padEnd(30) + ' RSS ' + mb(m.rss).padStart(6) + ' MB   heap used ' + mb(m.heapUsed).padStart(5) + ' MB   heap total ' + mb(m.heapTotal).padStart(5) + ' MB');
};
reading('bare Node');
const { loadConfigOrExit } = await import(process.env.DIST + '/src/config/config.js');
const { buildApp } = await import(process.env.DIST + '/src/app.js');
reading('modules imported');
const app = await buildApp({ config: loadConfigOrExit() });
reading('app built');
await app.ready();
await new Promise((r) => setTimeout(r, 1000));
reading('app ready (routes compiled)');
const s = JSON.parse(readFileSync(writeHeapSnapshot(process.env.SNAPSHOT), 'utf8'));
await app.close();
const width = s.snapshot.meta.node_fields.length, types = s.snapshot.meta.node_types[0];
let total = 0; const big = [];
for (let i = 0; i < s.nodes.length; i += width) {
  if (types[s.nodes[i]] !== 'string') continue;
  total += s.nodes[i + 3];
  if (s.nodes[i + 3] > 100000) big.push([s.nodes[i + 3], s.strings[s.nodes[i + 1]].slice(0, 90).replace(/\\s+/g, ' ')]);
}
console.log('\\n  strings in the heap: ' + mb(total) + ' MB; the largest (module sources):');
for (const [size, text] of big.sort((a, b) => b[0] - a[0])) console.log('  ' + String(Math.round(size / 1024)).padStart(6) + ' KB  ' + text);
`;

process.env.APPS_FROM = 'build'; // appEntry() names the missing build
const tmpDir = await mkdtemp(join(tmpdir(), 'mvp-idle-memory-'));
const environment = await setUpEnvironment({ tmpDir, log: (m) => console.log(`[idle-memory] ${m}`) });
try {
  console.log(`[idle-memory] ${appEntry('gateway')} loaded step by step with ${GATEWAY_ENV_FILE}, every feature native:`);
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, [`--env-file=${join(REPO_ROOT, GATEWAY_ENV_FILE)}`, '--expose-gc', '--input-type=module', '-e', CHILD], {
      env: { ...environment.serverEnv, ...flagEnv('fastify'), PORT: '0', DIST: join(REPO_ROOT, 'dist'), SNAPSHOT: join(tmpDir, 'gateway.heapsnapshot') },
      stdio: 'inherit',
    }).on('close', resolve);
  });
  if (code !== 0) process.exitCode = 1;
} finally {
  await environment.close();
  await rm(tmpDir, { recursive: true, force: true });
}
