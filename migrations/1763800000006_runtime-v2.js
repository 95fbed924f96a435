/* eslint-disable */
// Projection runtime v2 (ADR 0013).
// - Shadow builds: a build started with parameters (a what-if) and/or a target position (an as-of report). It
//   builds into its own schema, is read only by naming it, never goes live, and expires when unused.
// - Leases: a fencing token per projection. The instance that takes a projection's advisory lock bumps the epoch;
//   every batch checks it (FOR SHARE, in its own transaction), so a batch of an instance that lost the lock without
//   noticing cannot commit once another instance has taken over (and a take-over waits for batches in flight).
// - Dead-letter retries go through the runner: retry_build_id is the build that re-applies the event in order.
exports.up = (pgm) => {
  pgm.sql(`
    ALTER TABLE projection_builds DROP CONSTRAINT projection_builds_state_check;
    ALTER TABLE projection_builds ADD CONSTRAINT projection_builds_state_check
      CHECK (state IN ('rebuilding', 'live', 'retired', 'shadow'));
    ALTER TABLE projection_builds
      -- what the build was started with (only keys the projection declares); {} for live builds and rebuilds
      ADD COLUMN parameters jsonb NOT NULL DEFAULT '{}',
      -- why and by whom a shadow build was started (shown in listings; an audit asks)
      ADD COLUMN purpose text,
      ADD COLUMN created_by text,
      -- an unused shadow build is dropped after this (moved on by reads, see last_read_at)
      ADD COLUMN expires_at timestamptz,
      ADD COLUMN last_read_at timestamptz,
      -- set when a build with a target_position has applied everything up to it (it then stops for good)
      ADD COLUMN reached_target_at timestamptz,
      ADD CONSTRAINT projection_builds_shadow_only CHECK (
        state = 'shadow' OR (state = 'retired') OR (target_position IS NULL AND expires_at IS NULL));
    CREATE INDEX projection_builds_shadow ON projection_builds (projection) WHERE state = 'shadow';

    CREATE TABLE projection_leases (
      projection  text PRIMARY KEY,
      -- bumped by each instance that takes the projection's advisory lock: the fencing token of its batches
      epoch       bigint NOT NULL,
      owner       text NOT NULL,
      acquired_at timestamptz NOT NULL DEFAULT now()
    );

    -- The build whose runner re-applies a retried dead letter (policy skip): the letter resolves when it does.
    ALTER TABLE projection_dead_letters ADD COLUMN retry_build_id text;
  `);
};

exports.down = (pgm) => {
  pgm.sql(`
    ALTER TABLE projection_dead_letters DROP COLUMN retry_build_id;
    DROP TABLE projection_leases;
    DELETE FROM projection_builds WHERE state = 'shadow';
    ALTER TABLE projection_builds DROP CONSTRAINT projection_builds_shadow_only;
    DROP INDEX projection_builds_shadow;
    ALTER TABLE projection_builds
      DROP COLUMN parameters, DROP COLUMN purpose, DROP COLUMN created_by, DROP COLUMN expires_at,
      DROP COLUMN last_read_at, DROP COLUMN reached_target_at;
    ALTER TABLE projection_builds DROP CONSTRAINT projection_builds_state_check;
    ALTER TABLE projection_builds ADD CONSTRAINT projection_builds_state_check CHECK (state IN ('rebuilding', 'live', 'retired'));
  `);
};
