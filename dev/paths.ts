// Where the dev stack keeps its state: <repo>/.data, whatever the current directory.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const DATA_DIR = `${REPO_ROOT}/.data`;
