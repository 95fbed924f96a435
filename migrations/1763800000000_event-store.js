/* eslint-disable */
// The PostgreSQL event store: one append-only table of events, ordered by a global position.
//
// Why a lock and not only a sequence: with concurrent appends a transaction can commit a lower position after a
// higher one is already visible, and a subscriber that moved past the higher one would skip the lower one for
// ever. Appends therefore take their positions by updating the single es_position row, whose row lock is held
// until commit, so positions become visible in order. ADR 0003 records the trade-off.
exports.up = (pgm) => {
  pgm.sql(`
    CREATE TABLE es_events (
      global_position bigint PRIMARY KEY,
      stream_id       text        NOT NULL,
      stream_revision bigint      NOT NULL,
      event_id        uuid        NOT NULL,
      event_type      text        NOT NULL,
      schema_version  integer     NOT NULL DEFAULT 1,
      data            jsonb       NOT NULL,
      metadata        jsonb       NOT NULL,
      recorded_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT es_events_stream_revision_unique UNIQUE (stream_id, stream_revision),
      CONSTRAINT es_events_event_id_unique UNIQUE (event_id)
    );
    -- category reads (draft-*, incident-*) and command-id lookups
    CREATE INDEX es_events_category_idx ON es_events ((split_part(stream_id, '-', 1)), global_position);
    CREATE INDEX es_events_command_idx ON es_events ((metadata->>'commandId'));

    -- One row per stream: its current revision. Optimistic concurrency is checked against it under a row lock.
    CREATE TABLE es_streams (
      stream_id text PRIMARY KEY,
      revision  bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- The single row that hands out global positions, updated under the append lock.
    CREATE TABLE es_position (id smallint PRIMARY KEY CHECK (id = 1), last_position bigint NOT NULL);
    INSERT INTO es_position VALUES (1, 0);
  `);
};

exports.down = (pgm) => {
  pgm.sql('DROP TABLE es_events; DROP TABLE es_streams; DROP TABLE es_position;');
};
