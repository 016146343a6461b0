// The one way an upload replaces a stored object (vehicle photos, maintenance receipts): write it under a
// fresh key, switch the row to that key only once it is completely stored, then delete the displaced
// object. An interrupted or refused upload therefore never touches what was there; a failed delete only
// leaves an orphan for src/infrastructure/orphan-sweep.ts.
import type { ObjectStore, UploadRequest } from './storage.ts';

export interface Switched<T> {
  value: T;
  previousKey: string | null;
}

/** The switched row's value, or null when `switchRow` found no row (the upload is removed again). */
export async function storeThenSwitch<T>(store: ObjectStore, key: string, upload: UploadRequest,
  switchRow: () => Promise<Switched<T> | null>): Promise<T | null> {
  await store.upload(key, upload);
  let switched: Switched<T> | null;
  try {
    switched = await switchRow();
  } catch (err) {
    await store.remove(key).catch(() => {});
    throw err;
  }
  if (!switched) {
    await store.remove(key).catch(() => {});
    return null;
  }
  if (switched.previousKey) await store.remove(switched.previousKey).catch(() => {});
  return switched.value;
}

/**
 * Removing the live object: the row is cleared first, only if it still names `key`, so exactly one caller
 * (this one, or the replacement that displaced it) ever deletes a given object. When storage then fails
 * the row is restored (unless something replaced it meanwhile) and the failure reported: an outage
 * changes nothing. False when the row no longer named `key` (nothing to do).
 */
export async function clearThenRemove(store: ObjectStore, key: string, clearRow: () => Promise<boolean>,
  restoreRow: () => Promise<unknown>): Promise<boolean> {
  if (!(await clearRow())) return false;
  try {
    await store.remove(key);
  } catch (err) {
    await restoreRow().catch(() => {});
    throw err;
  }
  return true;
}
