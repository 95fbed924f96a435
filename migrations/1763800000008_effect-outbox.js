/* eslint-disable */
// Reactor effects become an outbox (ADR 0014). A reactor's batch no longer performs an effect: it records the
// intent (task and JSON payload, under the reactor's key) in reactor_effects and enqueues a pg-boss job in the
// same transaction, so a batch that rolls back takes both back and the event-by-event replay records it once.
// The dispatcher performs it after commit and writes the outcome here; pg-boss keeps only the job's schedule
// (its own schema "pgboss", created and migrated by pg-boss itself when the dispatcher starts).
exports.up = (pgm) => {
  pgm.sql(`
    ALTER TABLE reactor_effects
      -- the number the ops endpoints use (GET /v1/ops/effects, POST /v1/ops/effects/:id/retry)
      ADD COLUMN id bigserial UNIQUE,
      -- the build that recorded it (always the live one), for tracing
      ADD COLUMN build_id text,
      -- what to do: ReactorDefinition.effects[task](payload, { key, reactor, attempt })
      ADD COLUMN task text,
      ADD COLUMN payload jsonb,
      -- rows from before the outbox were performed inside their batch: they stay 'performed'
      ADD COLUMN status text NOT NULL DEFAULT 'performed' CHECK (status IN ('pending', 'performed', 'failed')),
      -- deliveries started (a crash between perform and record shows as one more attempt, same key)
      ADD COLUMN attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN last_error text,
      -- the pg-boss job that delivers it now (a retry from the endpoint enqueues a new one)
      ADD COLUMN job_id uuid,
      ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    ALTER TABLE reactor_effects ALTER COLUMN status SET DEFAULT 'pending';
    ALTER TABLE reactor_effects ALTER COLUMN performed_at DROP NOT NULL, ALTER COLUMN performed_at DROP DEFAULT;
    -- the ops list of failed (and pending) effects
    CREATE INDEX reactor_effects_unfinished ON reactor_effects (status, id) WHERE status <> 'performed';
  `);
};

exports.down = (pgm) => {
  pgm.sql(`
    DROP INDEX reactor_effects_unfinished;
    DELETE FROM reactor_effects WHERE status <> 'performed';
    ALTER TABLE reactor_effects ALTER COLUMN performed_at SET DEFAULT now();
    UPDATE reactor_effects SET performed_at = COALESCE(performed_at, recorded_at);
    ALTER TABLE reactor_effects ALTER COLUMN performed_at SET NOT NULL;
    ALTER TABLE reactor_effects DROP COLUMN id, DROP COLUMN build_id, DROP COLUMN task, DROP COLUMN payload, DROP COLUMN status,
      DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN job_id, DROP COLUMN recorded_at, DROP COLUMN updated_at;
  `);
};
