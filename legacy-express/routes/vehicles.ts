// PLACEHOLDER — replaced by the vehicles feature's Express router.
import { Router } from 'express';
import type { Deps } from '../../src/core/deps.ts';

export function vehiclesRouter(_deps: Deps): Router {
  return Router();
}
