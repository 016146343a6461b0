// PLACEHOLDER — replaced by the maintenance feature's Express router.
import { Router } from 'express';
import type { Deps } from '../../src/core/deps.ts';

export function maintenanceRouter(_deps: Deps): Router {
  return Router();
}
