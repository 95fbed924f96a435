/* eslint-disable */
// Indexes for the audit reads of the log (issue 12: GET /v1/audit/events and /v1/audit/correlations/:id, through
// EventStore.readLog). Every read of the log walks global_position upwards from a position (the primary key) and
// stops at es_head(); a filter that matches most events is served well by that walk, a selective one is not: the
// walk would read the whole log to find a request's three events. So the selective filters get an index each, with
// global_position second where the read pages in position order:
//
// - es_events_correlation_idx ((metadata->>'correlationId'), global_position): "what did this request cause" finds
//   its few events directly, in position order.
// - es_events_actor_idx ((metadata->>'actorId'), global_position): one member's events, paged by position.
// - es_events_recorded_at_idx (recorded_at): a time range. recorded_at is non-decreasing in position order (0003),
//   so the range is one contiguous run of positions, which this index finds at its start.
//
// Not indexed, on purpose: the stream category and the event type. Both are dense (a handful of categories and
// types share the log), so the position walk finds a page of them quickly; a category index existed once and was
// dropped by 0003 because every append paid for it and nothing read it. Each index here is paid by every append
// too (three more index entries per event, inside es_append's transaction, not under its stream or position lock).
exports.up = (pgm) => {
  pgm.sql(`
    CREATE INDEX IF NOT EXISTS es_events_correlation_idx ON es_events ((metadata->>'correlationId'), global_position);
    CREATE INDEX IF NOT EXISTS es_events_actor_idx ON es_events ((metadata->>'actorId'), global_position);
    CREATE INDEX IF NOT EXISTS es_events_recorded_at_idx ON es_events (recorded_at);
  `);
};

exports.down = (pgm) => {
  pgm.sql(`
    DROP INDEX IF EXISTS es_events_recorded_at_idx;
    DROP INDEX IF EXISTS es_events_actor_idx;
    DROP INDEX IF EXISTS es_events_correlation_idx;
  `);
};
