// Named (prepared) statements: PostgreSQL parses and plans a named statement once per connection instead of
// on every call (what that buys: docs/performance.md). The name is derived from the statement's text, so each
// variant of a statement gets its own without one being written by hand, and two texts never share a name
// (PostgreSQL binds a name to the first text prepared under it on a connection and refuses any other).
import { hash } from 'node:crypto';

/** A query for pg that names its statement. */
export interface NamedQuery<V extends unknown[] = unknown[]> {
  name: string;
  text: string;
  values: V;
}

// Statement texts are built from constant pieces, so they are few; the bound only keeps a text built from
// anything else (a mistake) from growing this map: past it, names are computed each time.
const names = new Map<string, string>();
const MAX_REMEMBERED = 500;

/** `s` and 20 characters of the text's SHA-1 (base64url): stable across processes and releases of the same SQL. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `s${hash('sha1', text, 'base64url').slice(0, 20)}`;
    if (names.size < MAX_REMEMBERED) names.set(text, name);
  }
  return name;
}

/** The query as a named statement: `db.query(named({ text, values }))`. */
export function named<V extends unknown[]>(query: { text: string; values: V }): NamedQuery<V> {
  return { name: statementName(query.text), text: query.text, values: query.values };
}
