/* eslint-disable */
// The projection runtime's own tables. A "build" is one materialisation of one projection version into its own
// schema; the live build of each projection is what the read-model views in schema rm point at.
exports.up = (pgm) => {
  pgm.sql(`
    CREATE SCHEMA IF NOT EXISTS rm;

    CREATE TABLE projection_builds (
      build_id     text PRIMARY KEY,
      projection   text NOT NULL,
      version      integer NOT NULL,
      kind         text NOT NULL CHECK (kind IN ('projection', 'reactor')),
      schema_name  text NOT NULL,
      -- rebuilding: catching up beside the live build; live: serving; retired: replaced by a newer build
      -- (its schema is dropped)
      state        text NOT NULL CHECK (state IN ('rebuilding', 'live', 'retired')),
      -- set when the build halted on a dead letter (policy stop); cleared by a retry
      stopped_at   timestamptz,
      -- the instance that last moved the checkpoint (the lock holder)
      owner        text,
      position     bigint NOT NULL DEFAULT 0,
      -- for reactors: the highest position whose effects already ran live; below it, effects are suppressed
      effects_high_water bigint NOT NULL DEFAULT 0,
      events_done  bigint NOT NULL DEFAULT 0,
      target_position bigint,
      started_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now(),
      caught_up_at timestamptz,
      -- when the last processed event was recorded (lag in seconds is measured from it)
      last_event_at timestamptz,
      last_error   text
    );
    CREATE UNIQUE INDEX projection_builds_one_live ON projection_builds (projection) WHERE state IN ('live');

    CREATE TABLE projection_dead_letters (
      id           bigserial PRIMARY KEY,
      projection   text NOT NULL,
      build_id     text NOT NULL REFERENCES projection_builds(build_id) ON DELETE CASCADE,
      position     bigint NOT NULL,
      event_id     uuid NOT NULL,
      stream_id    text NOT NULL,
      event_type   text NOT NULL,
      error        text NOT NULL,
      policy       text NOT NULL CHECK (policy IN ('stop', 'skip')),
      status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      attempts     integer NOT NULL DEFAULT 1,
      created_at   timestamptz NOT NULL DEFAULT now(),
      resolved_at  timestamptz,
      UNIQUE (build_id, event_id)
    );

    -- Effects a reactor has performed, by key: an effect is never performed twice, live or in a replay.
    CREATE TABLE reactor_effects (
      reactor    text NOT NULL,
      effect_key text NOT NULL,
      position   bigint NOT NULL,
      performed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (reactor, effect_key)
    );
  `);
};

exports.down = (pgm) => {
  pgm.sql('DROP TABLE reactor_effects; DROP TABLE projection_dead_letters; DROP TABLE projection_builds; DROP SCHEMA rm CASCADE;');
};
