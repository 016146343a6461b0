// Where each feature's native capsule lives. A capsule that is not there yet simply means the feature
// can only run on express (a flag asking for fastify is then refused at start-up).
import type { Capsule } from './capsule.ts';
import { FEATURE_NAMES } from '../../flags/registry.ts';

// The same extension as this module: `.ts` from the sources, `.js` from the production build (dist/).
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export async function loadCapsules(): Promise<Capsule[]> {
  const found: Capsule[] = [];
  for (const feature of FEATURE_NAMES) {
    const url = new URL(`../../fastify-features/${feature}/index${EXT}`, import.meta.url);
    try {
      const mod = (await import(url.href)) as { capsule?: Capsule };
      if (mod.capsule) found.push(mod.capsule);
    } catch (err) {
      const e = err as { code?: string; url?: string; message?: string };
      if (e.code === 'ERR_MODULE_NOT_FOUND' && (e.url === url.href || e.message?.includes(url.pathname))) continue;
      throw err;
    }
  }
  return found;
}
