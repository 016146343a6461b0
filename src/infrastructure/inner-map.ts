// Two-level Map lookups on the hot path: keyed by interned strings, they hash nothing per request
// (a key built per request, e.g. `${a}|${b}`, is a new string to hash on every lookup).

/** The inner map under `key`, created empty the first time. */
export function innerMap<K, K2, V>(outer: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let inner = outer.get(key);
  if (inner === undefined) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}
