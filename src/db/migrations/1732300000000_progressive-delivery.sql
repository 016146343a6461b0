-- Up Migration
-- Progressive delivery: a stage per feature (express | shadow | canary | fastify) with a canary
-- percentage and a shadow sampling rate; the audit trail records stages, percentages and why.
-- `backend` stays filled (express for shadow/canary) so an instance of the previous release reading
-- only that column during a rolling deploy still routes safely to the legacy app.
ALTER TABLE feature_flag_overrides
  ADD COLUMN stage       text CHECK (stage IN ('express', 'shadow', 'canary', 'fastify')),
  ADD COLUMN percent     smallint NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
  ADD COLUMN shadow_rate smallint NOT NULL DEFAULT 100 CHECK (shadow_rate BETWEEN 0 AND 100),
  ADD COLUMN reason      text NOT NULL DEFAULT 'manual';

ALTER TABLE feature_flag_audit
  ADD COLUMN from_stage   text,
  ADD COLUMN to_stage     text,
  ADD COLUMN from_percent smallint,
  ADD COLUMN to_percent   smallint,
  ADD COLUMN reason       text NOT NULL DEFAULT 'manual' CHECK (reason IN ('manual', 'ramp', 'guard', 'forced')),
  ADD COLUMN details      jsonb;
ALTER TABLE feature_flag_audit DROP CONSTRAINT feature_flag_audit_action_check;
ALTER TABLE feature_flag_audit ADD CONSTRAINT feature_flag_audit_action_check
  CHECK (action IN ('set', 'clear', 'ramp-start', 'ramp-pause', 'ramp-resume', 'ramp-abort', 'ramp-done'));

-- One automatic ramp per feature, driven by whichever gateway instance holds the leader lock.
CREATE TABLE feature_ramps (
  feature          text PRIMARY KEY,
  steps            smallint[] NOT NULL,
  step_index       smallint NOT NULL DEFAULT 0,
  dwell_seconds    integer NOT NULL,
  min_requests     integer NOT NULL,
  state            text NOT NULL CHECK (state IN ('running', 'paused', 'done', 'aborted')),
  step_started_at  timestamptz NOT NULL DEFAULT now(),
  started_by       text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The guard's latest verdict per feature, written by the leader, read by every instance for the views.
CREATE TABLE feature_guard (
  feature     text PRIMARY KEY,
  state          text NOT NULL,
  figures        jsonb,
  decided_at     timestamptz NOT NULL DEFAULT now(),
  last_decision  jsonb
);

-- Development fault injection (make chaos): only read by instances running with DEV_TOOLS.
CREATE TABLE dev_fault_injection (
  feature     text PRIMARY KEY,
  errors      smallint NOT NULL DEFAULT 0 CHECK (errors BETWEEN 0 AND 100),
  latency_ms  integer NOT NULL DEFAULT 0 CHECK (latency_ms BETWEEN 0 AND 60000),
  mutate      jsonb,
  changed_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE dev_fault_injection;
DROP TABLE feature_guard;
DROP TABLE feature_ramps;
ALTER TABLE feature_flag_audit DROP CONSTRAINT feature_flag_audit_action_check;
DELETE FROM feature_flag_audit WHERE action NOT IN ('set', 'clear');
ALTER TABLE feature_flag_audit ADD CONSTRAINT feature_flag_audit_action_check CHECK (action IN ('set', 'clear'));
ALTER TABLE feature_flag_audit DROP COLUMN details, DROP COLUMN reason, DROP COLUMN to_percent,
  DROP COLUMN from_percent, DROP COLUMN to_stage, DROP COLUMN from_stage;
ALTER TABLE feature_flag_overrides DROP COLUMN reason, DROP COLUMN shadow_rate, DROP COLUMN percent, DROP COLUMN stage;
