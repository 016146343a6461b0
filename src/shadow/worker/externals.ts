// The replay's stand-in for the external providers' HTTP client (Deps.externalFetch): it never reaches vPIC
// or Places — a provider is paid per call and the Express side already made this one. A capsule answers from
// the shared cache (which the Express side filled) or calls this client, which refuses; the replay then
// counts the comparison as skipped (`external`) instead of comparing an answer Express never had to give.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What the refusing client rejects with (a capsule's client turns it into its own 502). */
export class ExternalCallRefusedError extends Error {}

const watched = new AsyncLocalStorage<{ refused: boolean }>();

export const refusingFetch: typeof fetch = async () => {
  const run = watched.getStore();
  if (run) run.refused = true;
  throw new ExternalCallRefusedError('external providers are never called by a shadow replay');
};

/** Runs `work`, telling whether anything it started asked the refusing client for a provider call. */
export async function watchExternalCalls<T>(work: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; refused: boolean }> {
  const run = { refused: false };
  const [result] = await watched.run(run, () => Promise.allSettled([work()]));
  return { result, refused: run.refused };
}
