/* eslint-disable */
// Hardening of es_append (issue 8, B2, B4, B5). The function keeps its signature and stays ONE round trip.
//
// 1. The stream lock holds for a stream that does not exist yet. Before, es_append locked the stream with
//    SELECT ... FOR UPDATE on es_streams, which locks nothing when there is no row: two first appends to a new
//    stream both passed the check, and the loser hit a unique violation that surfaced as a revision conflict
//    (even with expected revision `any`), and the same event ids appended twice at once gave a conflict instead
//    of one append plus a duplicate answer. Now the function first inserts a placeholder row (revision -1, which
//    it reads as "no stream") with ON CONFLICT DO NOTHING, then locks the row. A second first-append waits on the
//    first one's uncommitted row, then sees and locks the committed row: appends to one stream, new or not, run
//    one after the other, so the duplicate check and the expected-revision check always see the previous append.
//    The placeholder never survives on its own: every path that does not update the row either raises (the
//    transaction rolls back with it) or is a duplicate of events already in the stream (the row already existed).
//
// 2. recorded_at is non-decreasing with global_position. Before, it was now() (the start of the transaction),
//    taken before the append waited for the es_position row lock, so an append that waited carried an earlier
//    time than the one it waited for. Now the time is taken under that lock, in the same UPDATE that hands out
//    the positions: clock_timestamp() read after the wait, and never less than the last time handed out, kept in
//    es_position.last_recorded_at (so a clock stepping back cannot break the order either). All events of one
//    append share the time.
//
// 3. Two indexes maintained inside the locked part of every append and read by nothing are dropped:
//    es_events_category_idx (split_part(stream_id, '-', 1), global_position): no query reads by category (every
//    projection reads $all in position order, every command reads one stream by stream_id);
//    es_events_command_idx (metadata->>'commandId'): handleCommand finds an earlier run of a command in the
//    stream it reads, and idempotency keys move to their own table (issue 8, B3), so nothing looks a command id
//    up across the log.
exports.up = (pgm) => {
  pgm.sql(`
    DROP INDEX IF EXISTS es_events_category_idx;
    DROP INDEX IF EXISTS es_events_command_idx;

    ALTER TABLE es_position ADD COLUMN last_recorded_at timestamptz NOT NULL DEFAULT '-infinity';
    UPDATE es_position SET last_recorded_at = coalesce((SELECT max(recorded_at) FROM es_events), '-infinity') WHERE id = 1;

    CREATE OR REPLACE FUNCTION es_append(
      p_stream text, p_expected text, p_event_ids uuid[], p_types text[], p_versions int[], p_data jsonb[], p_metadata jsonb[]
    ) RETURNS TABLE (next_revision bigint, last_position bigint, duplicate boolean)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_actual bigint;
      v_n int := cardinality(p_event_ids);
      v_found int;
      v_same boolean;
      v_max_rev bigint;
      v_max_pos bigint;
      v_first bigint;
      v_last bigint;
      v_at timestamptz;
    BEGIN
      -- The stream lock, also for a stream that does not exist yet (see the comment at the top of this file).
      INSERT INTO es_streams (stream_id, revision) VALUES (p_stream, -1) ON CONFLICT (stream_id) DO NOTHING;
      SELECT revision INTO v_actual FROM es_streams WHERE stream_id = p_stream FOR UPDATE;
      IF v_actual < 0 THEN
        v_actual := NULL;
      END IF;

      SELECT count(*), bool_and(stream_id = p_stream), max(stream_revision), max(global_position)
        INTO v_found, v_same, v_max_rev, v_max_pos
        FROM es_events WHERE event_id = ANY(p_event_ids);
      IF v_found > 0 THEN
        IF v_found = v_n AND v_same THEN
          RETURN QUERY SELECT v_max_rev, v_max_pos, true;
          RETURN;
        END IF;
        RAISE EXCEPTION 'event ids reused' USING ERRCODE = 'BS002';
      END IF;

      IF (p_expected = 'no_stream' AND v_actual IS NOT NULL)
         OR (p_expected = 'stream_exists' AND v_actual IS NULL)
         OR (p_expected ~ '^[0-9]+$' AND (v_actual IS NULL OR v_actual <> p_expected::bigint)) THEN
        RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'BS001', DETAIL = coalesce(v_actual::text, 'no_stream');
      END IF;

      v_first := coalesce(v_actual + 1, 0);
      -- Positions and the time are taken under the es_position row lock (ADR 0003): clock_timestamp() is read
      -- after the wait for the lock, and greatest() keeps the time non-decreasing in position order.
      UPDATE es_position
         SET last_position = es_position.last_position + v_n,
             last_recorded_at = greatest(es_position.last_recorded_at, clock_timestamp())
       WHERE id = 1
       RETURNING es_position.last_position, es_position.last_recorded_at INTO v_last, v_at;
      INSERT INTO es_events (global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at)
        SELECT v_last - v_n + x.i, p_stream, v_first + x.i - 1, x.e, x.t, x.v, x.d, x.m, v_at
          FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata) WITH ORDINALITY AS x(e, t, v, d, m, i);
      UPDATE es_streams SET revision = v_first + v_n - 1 WHERE stream_id = p_stream;
      PERFORM pg_notify('es_events_appended', v_last::text);
      RETURN QUERY SELECT v_first + v_n - 1, v_last, false;
    END;
    $$;
  `);
};

exports.down = (pgm) => {
  pgm.sql(`
    CREATE OR REPLACE FUNCTION es_append(
      p_stream text, p_expected text, p_event_ids uuid[], p_types text[], p_versions int[], p_data jsonb[], p_metadata jsonb[]
    ) RETURNS TABLE (next_revision bigint, last_position bigint, duplicate boolean)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_actual bigint;
      v_n int := cardinality(p_event_ids);
      v_found int;
      v_same boolean;
      v_max_rev bigint;
      v_max_pos bigint;
      v_first bigint;
      v_last bigint;
    BEGIN
      SELECT revision INTO v_actual FROM es_streams WHERE stream_id = p_stream FOR UPDATE;
      SELECT count(*), bool_and(stream_id = p_stream), max(stream_revision), max(global_position)
        INTO v_found, v_same, v_max_rev, v_max_pos
        FROM es_events WHERE event_id = ANY(p_event_ids);
      IF v_found > 0 THEN
        IF v_found = v_n AND v_same THEN
          RETURN QUERY SELECT v_max_rev, v_max_pos, true;
          RETURN;
        END IF;
        RAISE EXCEPTION 'event ids reused' USING ERRCODE = 'BS002';
      END IF;
      IF (p_expected = 'no_stream' AND v_actual IS NOT NULL)
         OR (p_expected = 'stream_exists' AND v_actual IS NULL)
         OR (p_expected ~ '^[0-9]+$' AND (v_actual IS NULL OR v_actual <> p_expected::bigint)) THEN
        RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'BS001', DETAIL = coalesce(v_actual::text, 'no_stream');
      END IF;
      v_first := coalesce(v_actual + 1, 0);
      UPDATE es_position SET last_position = es_position.last_position + v_n WHERE id = 1 RETURNING es_position.last_position INTO v_last;
      INSERT INTO es_events (global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)
        SELECT v_last - v_n + x.i, p_stream, v_first + x.i - 1, x.e, x.t, x.v, x.d, x.m
          FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata) WITH ORDINALITY AS x(e, t, v, d, m, i);
      INSERT INTO es_streams (stream_id, revision) VALUES (p_stream, v_first + v_n - 1)
        ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision;
      PERFORM pg_notify('es_events_appended', v_last::text);
      RETURN QUERY SELECT v_first + v_n - 1, v_last, false;
    END;
    $$;
    DELETE FROM es_streams WHERE revision < 0;
    ALTER TABLE es_position DROP COLUMN last_recorded_at;
    CREATE INDEX es_events_category_idx ON es_events ((split_part(stream_id, '-', 1)), global_position);
    CREATE INDEX es_events_command_idx ON es_events ((metadata->>'commandId'));
  `);
};
