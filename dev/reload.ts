// `make dev`'s reload: which edits concern which app, the watcher, and the browser apps' rebuild. The
// supervisor (dev/stack.ts) starts the new process beside the old one and switches the app's port to it
// (dev/port-proxy.ts) only once it answers: a syntax error is printed and the last good app keeps serving.
import { spawn } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import type { AppKind } from '../stack/apps.ts';

export type ReloadedApp = Extract<AppKind, 'gateway' | 'legacy'>;

/** The folders each app's code comes from (the legacy routers call the capsules' services and src/'s core). */
export const WATCHED: Record<ReloadedApp, readonly string[]> = {
  gateway: ['src', 'fastify-features', 'flags'],
  legacy: ['legacy-express', 'src', 'fastify-features', 'flags'],
};

/** A file whose edit can change a running app: code and data it reads, not tests or editors' temp files. */
export function isAppSource(relPath: string): boolean {
  return /\.(ts|json|sql)$/.test(relPath) && !/\.test\.ts$/.test(relPath) && !relPath.split('/').some((p) => p.startsWith('.'));
}

/** The apps that `relPath` (relative to the repository) belongs to. dev/stack.ts itself needs a new `make dev`. */
export function appsFor(relPath: string): ReloadedApp[] {
  if (!isAppSource(relPath) || relPath === 'dev/stack.ts') return [];
  const top = relPath.split('/')[0];
  return (Object.keys(WATCHED) as ReloadedApp[]).filter((kind) => WATCHED[kind].includes(top));
}

export type BuildResult = { ok: true } | { ok: false; output: string };

/** Runs this Node with `args` in `root`; ok when it exits 0, else its output (for the developer to read). */
function runNode(args: string[], root: string, env: Record<string, string | undefined>): Promise<BuildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => { output += b.toString('utf8'); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ ok: false, output: err.message }));
    child.on('close', (code) => resolve(code === 0 ? { ok: true } : { ok: false, output: output.trim() }));
  });
}

/**
 * Watches `dirs` under `root` (recursively) and calls `onChange` with the repository-relative paths that
 * changed, once edits have been quiet for `quietMs` (an editor's save is often several events).
 */
export function watchSources(root: string, dirs: readonly string[], onChange: (paths: string[]) => void, quietMs = 100): () => void {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      watchers.push(watch(`${root}/${dir}`, { recursive: true }, (_event, file) => {
        if (!file) return;
        pending.add(`${dir}/${file}`);
        clearTimeout(timer);
        timer = setTimeout(() => {
          const paths = [...pending];
          pending.clear();
          onChange(paths);
        }, quietMs);
      }));
    } catch {
      // A folder that does not exist (legacy-express/ once deleted) has nothing to watch.
    }
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}

/** The browser apps `make dev` rebuilds after an edit of their sources (the gateway serves each build from disk). */
export const BROWSER_APPS = [
  { name: 'web', sources: 'web/src', config: 'web/vite.config.ts' },
  { name: 'console', sources: 'console/src', config: 'console/vite.config.ts' },
] as const;

/** `vite build` of one browser app, in a child. */
export function buildBrowserApp(root: string, config: string, env: Record<string, string | undefined>): Promise<BuildResult> {
  return runNode([`${root}/node_modules/vite/bin/vite.js`, 'build', '--config', config, '--logLevel', 'warn'], root, env);
}
