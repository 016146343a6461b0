// Promises with a deadline: dependency calls that must not hang their caller (storage, health pings).

/** `p`, or a rejection once `ms` have passed (the work itself is not cancelled). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** For health pings: true only when `check` says so within `ms`; a hang or failure is false. */
export async function answersWithin(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  try {
    return await withTimeout(check(), ms);
  } catch {
    return false;
  }
}

/** How long each dependency ping of /health may take: the whole answer stays under 1 s. */
export const HEALTH_PING_MS = 800;
