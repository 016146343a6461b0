// The orphan guard: a tiny process a supervisor (`make dev`) starts in its own process group and feeds,
// over a pipe to its stdin, the PIDs of the children it spawns. When the pipe closes — the supervisor
// exited, even by SIGKILL, which no handler can catch — every child still running gets its stop signal,
// then SIGKILL after 10 s, and the reaper exits. A PID is only signalled while it still belongs to the
// same process (its start time in /proc is compared), so a recycled PID is never hit.
//
//   supervisor side:  const reaper = startReaper();  reaper.watch(pid, 'SIGTERM');  reaper.forget(pid);
//   protocol (lines): "watch <pid> <signal>" | "forget <pid>"
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Field 22 of /proc/<pid>/stat (start time), or undefined when the process is gone or a zombie. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export interface Reaper {
  pid: number;
  watch(pid: number, signal?: NodeJS.Signals): void;
  forget(pid: number): void;
}

/** Starts the reaper for this process. */
export function startReaper(): Reaper {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'ignore', 'inherit'],
    detached: true, // a terminal's Ctrl-C must not take it down with us
  });
  child.unref();
  const pipe = child.stdin as Socket;
  pipe.unref();
  pipe.on('error', () => {}); // the reaper gone: nothing to tell it any more
  const send = (line: string) => { if (!pipe.destroyed) pipe.write(`${line}\n`); };
  return {
    pid: child.pid ?? -1,
    watch: (pid, signal = 'SIGTERM') => send(`watch ${pid} ${signal}`),
    forget: (pid) => send(`forget ${pid}`),
  };
}

async function main(): Promise<void> {
  const watched = new Map<number, { signal: NodeJS.Signals; started: string | undefined }>();
  for await (const line of createInterface({ input: process.stdin })) {
    const [cmd, pid, signal] = line.trim().split(' ');
    if (cmd === 'watch') watched.set(Number(pid), { signal: signal as NodeJS.Signals, started: startTime(Number(pid)) });
    else if (cmd === 'forget') watched.delete(Number(pid));
  }
  // The supervisor is gone.
  const same = (pid: number) => { const s = startTime(pid); return s !== undefined && s === watched.get(pid)?.started; };
  const left = [...watched.keys()].filter(same);
  if (left.length === 0) return;
  process.stderr.write(`[reaper] the supervisor is gone: stopping ${left.join(', ')}\n`);
  for (const pid of left) {
    const signal = watched.get(pid)?.signal;
    if (!signal) continue;
    try {
      process.kill(pid, signal);
    } catch { /* gone meanwhile */ }
  }
  for (const end = Date.now() + 10_000; Date.now() < end && left.some(same); ) await new Promise((r) => setTimeout(r, 100));
  for (const pid of left.filter(same)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* gone meanwhile */ }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
