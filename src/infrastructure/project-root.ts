// The project's root folder (the one holding package.json), found from this file whether it runs as
// TypeScript source (src/core/) or as the production build (dist/src/core/): static sites the gateway
// serves (web/dist, console/dist) live there, not beside the compiled code.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
