-- Up Migration
-- Read-your-writes for cached fuel stats (docs/api-notes.md, "Caching"): every write to a vehicle's fuel logs
-- bumps this counter in the write's own transaction, and the stats cache key carries it, so no reader that
-- starts after the write is acknowledged can find a value computed before it, whatever Redis missed.
ALTER TABLE vehicles ADD COLUMN fuel_logs_version bigint NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE vehicles DROP COLUMN fuel_logs_version;
