// PLACEHOLDER — replaced by the fuel-logs feature's Express router.
import { Router } from 'express';
import type { Deps } from '../../src/core/deps.ts';

export function fuelLogsRouter(_deps: Deps): Router {
  return Router();
}
