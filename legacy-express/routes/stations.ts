// PLACEHOLDER — replaced by the stations feature's Express router.
import { Router } from 'express';
import type { Deps } from '../../src/core/deps.ts';

export function stationsRouter(_deps: Deps): Router {
  return Router();
}
