// Removes stored objects no row names: left by a process that died between an upload and the row switch,
// or by a failed delete of a replaced photo/receipt. Only objects older than the grace period go, so an
// upload still in flight (its row not switched yet) is never touched. Run at start-up and periodically.
import type { Db } from '../db/pool.ts';
import { OBJECT_PREFIXES, type ObjectStore } from './storage.ts';

/** Longer than any upload can take (bodies are ≤ 10 MiB and storage calls time out after 10 s). */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;
export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** One pass; returns the removed keys. Soft-deleted vehicles' photos are still named, so they stay. */
export async function sweepOrphans(db: Db, store: ObjectStore,
  { now = Date.now(), graceMs = ORPHAN_GRACE_MS, prefixes = OBJECT_PREFIXES as readonly string[] } = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const prefix of prefixes) {
    for (const { key, lastModified } of await store.list(prefix)) {
      if (now - lastModified.getTime() < graceMs) continue;
      // Checked per key against the rows as they are now: a row switched meanwhile keeps its object.
      const { rowCount } = await db.query(
        `SELECT 1 FROM vehicles WHERE photo_object_key = $1
         UNION ALL SELECT 1 FROM maintenance_records WHERE receipt_object_key = $1 LIMIT 1`, [key]);
      if (rowCount) continue;
      await store.remove(key);
      removed.push(key);
    }
  }
  return removed;
}

/**
 * Sweeps soon after start and every `intervalMs` (timers unref'd) while `mayRun()` says so (the leader);
 * failures are logged and retried next time.
 */
export function startOrphanSweeper(db: Db, store: ObjectStore, log: { warn(obj: unknown, msg?: string): void; info(obj: unknown, msg?: string): void },
  mayRun: () => boolean, intervalMs = SWEEP_INTERVAL_MS): () => void {
  let running = false;
  const run = async () => {
    if (running || !mayRun()) return;
    running = true;
    try {
      const removed = await sweepOrphans(db, store);
      if (removed.length) log.info({ removed: removed.length }, 'orphaned objects removed');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'orphan sweep failed; retrying later');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return () => { clearTimeout(first); clearInterval(timer); };
}
