// The app processes of `make dev`: same Node binary as ours, output lines prefixed with the app name.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Settles when the process has exited and its output is flushed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  kill(): void;
}

function prefixLines(from: Readable, to: Writable, prefix: string): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${prefix} ${line}\n`));
}

export function startApp(name: string, entry: string, env: NodeJS.ProcessEnv, cwd: string): AppProcess {
  const child = spawn(process.execPath, [entry], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal Ctrl-C reaches only the supervisor, which then sends exactly one
    // SIGTERM (close-with-grace exits at once on a second signal).
    detached: true,
  });
  prefixLines(child.stdout!, process.stdout, `[${name}]`);
  prefixLines(child.stderr!, process.stderr, `[${name}]`);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null })); // spawn failed
  });
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;

  return {
    name,
    child,
    exited,
    kill: () => { if (running()) child.kill('SIGKILL'); },
    async stop(graceMs = 10_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        process.stderr.write(`[stack] ${name} still running after ${graceMs / 1000} s, killing it\n`);
        child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
