/* eslint-disable */
// An operator can always get a projection past a poison event (an event its code cannot apply) through the API,
// without touching the database: POST /v1/ops/dead-letters/:id/skip. The skip is keyed by projection and event id,
// not by build, so a later rebuild (or a new version) skips the same event too instead of stopping on it again.
exports.up = (pgm) => {
  pgm.sql(`
    CREATE TABLE projection_skipped_events (
      projection   text NOT NULL,
      event_id     uuid NOT NULL,
      position     bigint NOT NULL,
      event_type   text NOT NULL,
      -- the dead letter the operator skipped (kept as a plain number: dead letters go with their build)
      dead_letter_id bigint,
      -- who decided and why: a skip leaves the read model without the event, so it must be explainable later
      skipped_by   text NOT NULL,
      reason       text NOT NULL CHECK (length(btrim(reason)) > 0),
      skipped_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, event_id)
    );

    -- How a dead letter was resolved: 'applied' (a retry or the resumed build got past it) or 'skipped', and by whom.
    ALTER TABLE projection_dead_letters
      ADD COLUMN resolution text CHECK (resolution IN ('applied', 'skipped')),
      ADD COLUMN resolved_by text,
      ADD COLUMN resolution_reason text;
  `);
};

exports.down = (pgm) => {
  pgm.sql(`
    ALTER TABLE projection_dead_letters DROP COLUMN resolution, DROP COLUMN resolved_by, DROP COLUMN resolution_reason;
    DROP TABLE projection_skipped_events;
  `);
};
