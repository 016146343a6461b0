// A feature's operations move separately: its safe requests (reads: GET, HEAD) and everything else (writes)
// each have their own rollout, evidence and guard. Shadow can prove reads, never writes, so reads may lead.
export const SIDES = ['reads', 'writes'] as const;
export type Side = (typeof SIDES)[number];

/** The side a request belongs to, from its method alone (OPTIONS never reaches a feature's handler). */
export function sideOf(method: string): Side {
  return method === 'GET' || method === 'HEAD' ? 'reads' : 'writes';
}
