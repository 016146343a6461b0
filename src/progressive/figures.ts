// The one way the guard and the ramp read a side's figures from the shared window, so that the window's
// keying stays its own business. Until the window holds cells per side, both sides read the feature's
// cells (then a side's verdict is the feature's): the evidence change keys them by (feature, side, backend).
import type { Side } from '../../flags/operations.ts';
import type { Backend, FeatureName } from '../../flags/registry.ts';
import { cellKey, type Cell, type Deltas } from './recorder.ts';
import { total } from './shared-window.ts';

export function figuresOf(deltas: Deltas, feature: FeatureName, _side: Side, backend: Backend, from: number, to: number): Cell {
  return total(deltas, cellKey(feature, backend), from, to);
}
