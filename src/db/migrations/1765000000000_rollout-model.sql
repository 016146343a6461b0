-- Up Migration
-- One rollout per feature (flags/rollout-model.ts): both sides' stage and percentage (reads: GET/HEAD,
-- writes: the rest), the shadow rate, the ramp and the guard's last rollback, as one JSON document with a
-- version every change bumps (compare-and-set). `overridden` false means "back on the env default": the
-- row stays so that every change can lock it. The older columns (backend, stage, percent, shadow_rate)
-- stay filled from the reads side so an instance of the previous release still routes safely; writes
-- never lead reads, so that release's routing never sends a write natively that this one would not.
ALTER TABLE feature_flag_overrides
  ADD COLUMN rollout    jsonb,
  ADD COLUMN version    bigint NOT NULL DEFAULT 0,
  ADD COLUMN overridden boolean NOT NULL DEFAULT true;

-- Each audit row carries the whole rollout before and after, so each row's `from` is the previous row's `to`.
ALTER TABLE feature_flag_audit
  ADD COLUMN from_rollout jsonb,
  ADD COLUMN to_rollout   jsonb,
  ADD COLUMN version      bigint;
ALTER TABLE feature_flag_audit DROP CONSTRAINT feature_flag_audit_action_check;
ALTER TABLE feature_flag_audit ADD CONSTRAINT feature_flag_audit_action_check
  CHECK (action IN ('set', 'clear', 'ramp-start', 'ramp-pause', 'ramp-resume', 'ramp-abort', 'ramp-step', 'ramp-done', 'guard-rollback'));

-- The guard's live verdict per feature and side, written by the leader each tick (observation, not a
-- decision: a rollback is part of the rollout itself). feature_guard and feature_ramps stay for the
-- previous release during a rolling deploy.
CREATE TABLE rollout_guard (
  feature     text NOT NULL,
  side        text NOT NULL CHECK (side IN ('reads', 'writes')),
  state       text NOT NULL,
  figures     jsonb,
  decided_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (feature, side)
);

-- Down Migration
DROP TABLE rollout_guard;
ALTER TABLE feature_flag_audit DROP CONSTRAINT feature_flag_audit_action_check;
DELETE FROM feature_flag_audit WHERE action IN ('ramp-step', 'guard-rollback');
ALTER TABLE feature_flag_audit ADD CONSTRAINT feature_flag_audit_action_check
  CHECK (action IN ('set', 'clear', 'ramp-start', 'ramp-pause', 'ramp-resume', 'ramp-abort', 'ramp-done'));
ALTER TABLE feature_flag_audit DROP COLUMN version, DROP COLUMN to_rollout, DROP COLUMN from_rollout;
DELETE FROM feature_flag_overrides WHERE NOT overridden;
ALTER TABLE feature_flag_overrides DROP COLUMN overridden, DROP COLUMN version, DROP COLUMN rollout;
