/* eslint-disable */
// One round trip per append: the optimistic check, the duplicate check, position assignment (under the row lock
// of es_position, see ADR 0003), the inserts and the notification run inside one function call. Before this,
// an append took seven round trips and single-event appends were bound by latency, not by PostgreSQL.
//
// Errors: SQLSTATE BS001 = wrong expected revision (DETAIL = actual revision or no_stream);
//         SQLSTATE BS002 = some, not all, of the event ids are already stored.
exports.up = (pgm) => {
  pgm.sql(`
    CREATE FUNCTION es_append(
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
  `);
};

exports.down = (pgm) => {
  pgm.sql('DROP FUNCTION es_append(text, text, uuid[], text[], int[], jsonb[], jsonb[]);');
};
