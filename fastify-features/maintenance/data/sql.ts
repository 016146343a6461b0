// Small helpers shared by this feature's repositories.
/** A live vehicle of the user, as a SQL condition on alias `v` with the user id in parameter `$userParam`. */
export const liveVehicle = (userParam: number) => `v.user_id = $${userParam} AND v.deleted_at IS NULL`;

export function pgConstraint(err: unknown): { code: string; constraint?: string } | undefined {
  const e = err as { code?: unknown; constraint?: unknown };
  return typeof e?.code === 'string' ? { code: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined } : undefined;
}

/** Builds `col = $n` assignments for the keys present in `patch` (null included, undefined skipped). */
export function setClauses(patch: Record<string, unknown>, columns: Record<string, string>, params: unknown[]): string[] {
  const sets: string[] = [];
  for (const [key, column] of Object.entries(columns)) {
    if (patch[key] === undefined) continue;
    params.push(patch[key]);
    sets.push(`${column} = $${params.length}`);
  }
  return sets;
}
