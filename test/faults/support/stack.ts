// Kept for test/progressive and test/shadow until they move to build(t, { level: 'processes' }) in
// test/helper.ts (the lead moves them after merging); everything else uses the helper.
export { ALL_EXPRESS, nativeFlags, spawnAllTargets, type Target } from '../../../stack/process-stack.ts';
export { startProcesses as startStack, type ProcessEnv as Stack } from '../../helper.ts';
