// Where the dev stack keeps its state: <repo>/.data whatever the current directory, or DEV_DATA_DIR
// (the supervisor's own tests run a whole `make dev` in a temporary one).
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const DATA_DIR = process.env.DEV_DATA_DIR || `${REPO_ROOT}/.data`;
