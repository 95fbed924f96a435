/* eslint-disable */
// Concurrent appends (issue 9, item 6; docs/adr/0012-concurrent-appends.md). Until now an append took its
// positions by updating the single es_position row and held that row lock until its commit: one commit (and
// its WAL flush) at a time. Now appends commit concurrently and readers, not writers, keep the order.
//
// Writers (es_append_many; es_append is one append of it, same signature and answers as before):
//   1. lock the streams with transaction-level advisory locks on hashtextextended(stream_id, 25971), held to
//      commit like the row lock of 0003 but needing no row, so also for a stream that does not exist yet, and
//      needing no transaction id: nothing before step 2 may give the transaction its xid. Several streams are
//      locked in key order, so two calls cannot deadlock. Then check the event ids and the expected revisions
//      (plain reads after the lock: under READ COMMITTED they see the previous holder's commit);
//   2. take, in a few microseconds under a session advisory lock (25971, 0) released right away, not at commit:
//      the transaction's xid (pg_current_xact_id(), assigned here and not earlier), the positions (the sequence
//      es_position_seq, one contiguous range per call) and the time (max(clock_timestamp(), the last time handed
//      out), kept in the sequence es_recorded_at_us; sequences are not transactional, so nothing is held until
//      commit). Because all three are taken together, one writer at a time, xids increase with positions, and
//      recorded_at never decreases in position order (issue 8, B4);
//   3. insert the events, each with its append's xid (append_xid). A stream's revision is read from its last event
//      (the index on (stream_id, stream_revision)); the es_streams table, one more row written per append, is
//      dropped. No NOTIFY here:
//      a NOTIFY takes a database-wide lock at commit and holds it through the commit's WAL flush, which would
//      serialise the commits again; the adapter notifies after the commit (PostgresEventStore.notifyAppended).
//
// Readers (es_head, and es_visible_bound under it), walking positions upwards from a position known to be
// settled: a row right after the previous one is settled; a row q after a hole settles the hole only when
// append_xid(q) < pg_snapshot_xmin(snapshot): any transaction holding a position in the hole took it before q
// took its own, so its xid is below q's and below xmin, so it has ended; as its rows are not visible in that
// snapshot, it rolled back (or the sequence skipped the values). Otherwise the walk stops before the hole: a
// late commit fills it and the reader delivers it, in order, never past it.
//
// es_append_many refuses a transaction that already has an xid (step 2 must assign it) and any isolation level
// but READ COMMITTED (step 1 reads after the lock): SQLSTATE BS003. It runs as its own statement (the adapter
// calls it alone, autocommit).
exports.up = (pgm) => {
  pgm.sql(`
    CREATE SEQUENCE es_position_seq AS bigint MINVALUE 1 CACHE 1;
    SELECT setval('es_position_seq', greatest(v, 1), v > 0)
      FROM (SELECT greatest((SELECT last_position FROM es_position WHERE id = 1), (SELECT max(global_position) FROM es_events), 0) AS v) last;
    CREATE SEQUENCE es_recorded_at_us AS bigint MINVALUE 0 CACHE 1;
    SELECT setval('es_recorded_at_us', greatest(coalesce((extract(epoch FROM t) * 1000000)::bigint, 0), 0), true)
      FROM (SELECT greatest((SELECT max(recorded_at) FROM es_events),
                            (SELECT last_recorded_at FROM es_position WHERE id = 1 AND isfinite(last_recorded_at))) AS t) last;

    -- Existing events were written one commit at a time: all settled (0 is below every xmin). New rows must give it.
    ALTER TABLE es_events ADD COLUMN append_xid xid8 NOT NULL DEFAULT '0';
    ALTER TABLE es_events ALTER COLUMN append_xid DROP DEFAULT;
    -- A stream's revision is its last event's (the unique index on (stream_id, stream_revision) answers it at
    -- once): es_streams, one more row written by every append, goes; the stream lock no longer needs its row.
    DROP TABLE es_streams;

    DROP FUNCTION es_append(text, text, uuid[], text[], int[], jsonb[], jsonb[]);
    DROP TABLE es_position;

    -- Step 2 of the writers (see the top of the file): the xid, p_n positions and the time, under the session
    -- advisory lock (25971, 0), released before returning. One statement inside the lock, its order explicit:
    -- the xid is an argument of the position's nextval, the positions are an argument of the time's setval.
    CREATE FUNCTION es_take_positions(p_n int, OUT xid xid8, OUT first_position bigint, OUT recorded_at timestamptz)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_at_us bigint;
    BEGIN
      BEGIN
        PERFORM pg_advisory_lock(25971, 0);
        SELECT p.xid, p.first_position,
               setval('es_recorded_at_us', greatest(c.last_value, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 0 * p.last_position))
          INTO xid, first_position, v_at_us
          FROM (SELECT x.xid, n.first_position,
                       CASE WHEN p_n > 1 THEN setval('es_position_seq', n.first_position + p_n - 1) ELSE n.first_position END AS last_position
                  FROM (SELECT pg_current_xact_id() AS xid) x,
                       LATERAL (SELECT nextval(CASE WHEN x.xid IS NOT NULL THEN 'es_position_seq' END::regclass) AS first_position) n) p,
               es_recorded_at_us c;
      EXCEPTION WHEN OTHERS OR query_canceled THEN
        -- a session lock outlives the error: release it before the error goes on
        PERFORM pg_advisory_unlock(25971, 0);
        RAISE;
      END;
      PERFORM pg_advisory_unlock(25971, 0);
      recorded_at := 'epoch'::timestamptz + v_at_us * interval '1 microsecond';
    END;
    $$;

    -- Several appends in one call (PostgresEventStore.appendMany; es_append is one of them). p_counts[i] events of
    -- the flattened event arrays belong to append i. One row per append: its next revision, the position of its
    -- last event, whether it was a duplicate.
    -- Errors: BS001 wrong expected revision (DETAIL actual revision or no_stream, HINT the append's 1-based index);
    --         BS002 some, not all, of an append's event ids are already stored (HINT the index);
    --         BS003 not READ COMMITTED, or the transaction already has an xid.
    CREATE FUNCTION es_append_many(
      p_streams text[], p_expected text[], p_counts int[],
      p_event_ids uuid[], p_types text[], p_versions int[], p_data jsonb[], p_metadata jsonb[]
    ) RETURNS TABLE (append_index int, next_revision bigint, last_position bigint, duplicate boolean)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_appends int := cardinality(p_streams);
      v_names text[];
      v_revisions bigint[];
      v_k int;
      v_i int;
      v_from int := 1;
      v_n int;
      v_ids uuid[];
      v_actual bigint;
      v_found int;
      v_same boolean;
      v_max_rev bigint;
      v_max_pos bigint;
      v_expected text;
      v_first_rev bigint[] := '{}';
      v_new int[] := '{}';
      v_dup_rev bigint[] := '{}';
      v_dup_pos bigint[] := '{}';
      v_total int := 0;
      v_first_pos bigint;
      v_at timestamptz;
      v_offset int;
      v_key bigint;
      v_xid xid8;
    BEGIN
      IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'es_append_many needs READ COMMITTED, not %', current_setting('transaction_isolation') USING ERRCODE = 'BS003';
      END IF;

      IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'es_append_many must run before anything else writes in its transaction' USING ERRCODE = 'BS003';
      END IF;

      -- 1. The stream locks, in key order; then the streams' revisions (NULL: no stream).
      SELECT array_agg(s ORDER BY s) INTO v_names FROM (SELECT DISTINCT unnest(p_streams) AS s) d;
      FOR v_key IN SELECT DISTINCT hashtextextended(s, 25971) AS k FROM unnest(v_names) AS s ORDER BY k LOOP
        PERFORM pg_advisory_xact_lock(v_key);
      END LOOP;
      SELECT array_agg((SELECT max(stream_revision) FROM es_events WHERE stream_id = n.name) ORDER BY n.i) INTO v_revisions
        FROM unnest(v_names) WITH ORDINALITY AS n(name, i);
      v_revisions := coalesce(v_revisions, '{}');

      -- The checks, append by append; a later append to the same stream sees the earlier ones.
      FOR v_i IN 1 .. v_appends LOOP
        v_n := p_counts[v_i];
        v_ids := p_event_ids[v_from : v_from + v_n - 1];
        v_k := array_position(v_names, p_streams[v_i]);
        v_actual := v_revisions[v_k];
        SELECT count(*), bool_and(stream_id = p_streams[v_i]), max(stream_revision), max(global_position)
          INTO v_found, v_same, v_max_rev, v_max_pos
          FROM es_events WHERE event_id = ANY(v_ids);
        IF v_found > 0 THEN
          IF v_found = v_n AND v_same THEN
            v_first_rev := v_first_rev || NULL::bigint;
            v_new := v_new || 0;
            v_dup_rev := v_dup_rev || v_max_rev;
            v_dup_pos := v_dup_pos || v_max_pos;
            v_from := v_from + v_n;
            CONTINUE;
          END IF;
          RAISE EXCEPTION 'event ids reused' USING ERRCODE = 'BS002', HINT = v_i::text;
        END IF;
        v_expected := p_expected[v_i];
        IF (v_expected = 'no_stream' AND v_actual IS NOT NULL)
           OR (v_expected = 'stream_exists' AND v_actual IS NULL)
           OR (v_expected ~ '^[0-9]+$' AND (v_actual IS NULL OR v_actual <> v_expected::bigint)) THEN
          RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'BS001', DETAIL = coalesce(v_actual::text, 'no_stream'), HINT = v_i::text;
        END IF;
        v_first_rev := v_first_rev || coalesce(v_actual + 1, 0);
        v_new := v_new || v_n;
        v_dup_rev := v_dup_rev || NULL::bigint;
        v_dup_pos := v_dup_pos || NULL::bigint;
        v_revisions[v_k] := coalesce(v_actual + 1, 0) + v_n - 1;
        v_total := v_total + v_n;
        v_from := v_from + v_n;
      END LOOP;

      IF v_total > 0 THEN
        -- 2. Xid, positions and time together, under a lock held for microseconds (see the top of the file).
        SELECT t.xid, t.first_position, t.recorded_at INTO v_xid, v_first_pos, v_at FROM es_take_positions(v_total) t;

        -- 3. The events, positions in call order, and the streams' revisions.
        INSERT INTO es_events (global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at, append_xid)
          SELECT v_first_pos + row_number() OVER (ORDER BY e.i) - 1, a.stream, a.first_rev + e.i - a.start,
                 e.id, e.t, e.v, e.d, e.m, v_at, v_xid
            FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata) WITH ORDINALITY AS e(id, t, v, d, m, i)
            JOIN (SELECT x.stream, x.first_rev, x.n,
                         (sum(x.n) OVER (ORDER BY x.k) - x.n + 1)::int AS start, CASE WHEN x.new > 0 THEN 1 ELSE 0 END AS fresh
                    FROM unnest(p_streams, v_first_rev, p_counts, v_new) WITH ORDINALITY AS x(stream, first_rev, n, new, k)) a
              ON e.i >= a.start AND e.i < a.start + a.n
           WHERE a.fresh = 1;
      END IF;

      v_offset := 0;
      FOR v_i IN 1 .. v_appends LOOP
        IF v_new[v_i] > 0 THEN
          v_offset := v_offset + v_new[v_i];
          RETURN QUERY SELECT v_i, v_first_rev[v_i] + v_new[v_i] - 1, v_first_pos + v_offset - 1, false;
        ELSE
          RETURN QUERY SELECT v_i, v_dup_rev[v_i], v_dup_pos[v_i], true;
        END IF;
      END LOOP;
    END;
    $$;

    -- The single append, as before (0002, 0003): same signature, answers and errors; one call, one round trip.
    -- The same steps as es_append_many for one stream, with fewer statements (the adapter's appendToStream path).
    CREATE FUNCTION es_append(
      p_stream text, p_expected text, p_event_ids uuid[], p_types text[], p_versions int[], p_data jsonb[], p_metadata jsonb[]
    ) RETURNS TABLE (next_revision bigint, last_position bigint, duplicate boolean)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_n int := cardinality(p_event_ids);
      v_actual bigint;
      v_found int;
      v_same boolean;
      v_max_rev bigint;
      v_max_pos bigint;
      v_first bigint;
      v_xid xid8;
      v_pos bigint;
      v_at timestamptz;
    BEGIN
      IF pg_current_xact_id_if_assigned() IS NOT NULL OR current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'es_append needs READ COMMITTED and must run before anything else writes in its transaction' USING ERRCODE = 'BS003';
      END IF;
      PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 25971));
      SELECT max(stream_revision) INTO v_actual FROM es_events WHERE stream_id = p_stream;

      SELECT count(*), bool_and(stream_id = p_stream), max(stream_revision), max(global_position)
        INTO v_found, v_same, v_max_rev, v_max_pos
        FROM es_events WHERE event_id = ANY(p_event_ids);
      IF v_found > 0 THEN
        IF v_found = v_n AND v_same THEN
          RETURN QUERY SELECT v_max_rev, v_max_pos, true;
          RETURN;
        END IF;
        RAISE EXCEPTION 'event ids reused' USING ERRCODE = 'BS002', HINT = '1';
      END IF;
      IF (p_expected = 'no_stream' AND v_actual IS NOT NULL)
         OR (p_expected = 'stream_exists' AND v_actual IS NULL)
         OR (p_expected ~ '^[0-9]+$' AND (v_actual IS NULL OR v_actual <> p_expected::bigint)) THEN
        RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'BS001', DETAIL = coalesce(v_actual::text, 'no_stream'), HINT = '1';
      END IF;

      v_first := coalesce(v_actual + 1, 0);
      SELECT t.xid, t.first_position, t.recorded_at INTO v_xid, v_pos, v_at FROM es_take_positions(v_n) t;
      INSERT INTO es_events (global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at, append_xid)
        SELECT v_pos + x.i - 1, p_stream, v_first + x.i - 1, x.e, x.t, x.v, x.d, x.m, v_at, v_xid
          FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata) WITH ORDINALITY AS x(e, t, v, d, m, i);
      RETURN QUERY SELECT v_first + v_n - 1, v_pos + v_n - 1, false;
    END;
    $$;

    -- The highest position P after p_after (itself settled) such that every position in (p_after, P] is visible
    -- or will never be, looking at no more than p_scan rows. STABLE: the caller's statement snapshot, so a query
    -- that reads events up to this bound reads them from the same snapshot.
    CREATE FUNCTION es_visible_bound(p_after bigint, p_scan int) RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
    DECLARE
      v_xmin xid8 := pg_snapshot_xmin(pg_current_snapshot());
      v_bound bigint := p_after;
      r record;
    BEGIN
      FOR r IN SELECT global_position, append_xid FROM es_events WHERE global_position > p_after ORDER BY global_position LIMIT p_scan LOOP
        -- a hole before this row, and a transaction that may hold a position in it may still be running: stop here
        EXIT WHEN r.global_position <> v_bound + 1 AND r.append_xid >= v_xmin;
        v_bound := r.global_position;
      END LOOP;
      RETURN v_bound;
    END;
    $$;

    -- The highest position a subscriber can see: from the last event whose append_xid is below the snapshot's xmin
    -- (everything at or below it is settled: a lower position's holder has a lower xid), the settled run after it.
    CREATE FUNCTION es_head() RETURNS bigint
    LANGUAGE sql STABLE AS $$
      SELECT es_visible_bound(coalesce(
        (SELECT global_position FROM es_events WHERE append_xid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY global_position DESC LIMIT 1), 0), 2147483647);
    $$;
  `);
};

exports.down = (pgm) => {
  pgm.sql(`
    DROP FUNCTION es_head();
    DROP FUNCTION es_visible_bound(bigint, int);
    DROP FUNCTION es_append(text, text, uuid[], text[], int[], jsonb[], jsonb[]);
    DROP FUNCTION es_append_many(text[], text[], int[], uuid[], text[], int[], jsonb[], jsonb[]);
    DROP FUNCTION es_take_positions(int);
    CREATE TABLE es_position (id smallint PRIMARY KEY CHECK (id = 1), last_position bigint NOT NULL,
                              last_recorded_at timestamptz NOT NULL DEFAULT '-infinity');
    INSERT INTO es_position VALUES (1, coalesce((SELECT max(global_position) FROM es_events), 0),
                                    coalesce((SELECT max(recorded_at) FROM es_events), '-infinity'));
    ALTER TABLE es_events DROP COLUMN append_xid;
    CREATE TABLE es_streams (stream_id text PRIMARY KEY, revision bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO es_streams (stream_id, revision, created_at)
      SELECT stream_id, max(stream_revision), min(recorded_at) FROM es_events GROUP BY stream_id;
    DROP SEQUENCE es_recorded_at_us;
    DROP SEQUENCE es_position_seq;
  `);
  // es_append as 0003 left it
  const hardening = require('./1763800000003_append-hardening.js');
  let captured = '';
  hardening.up({ sql: (text) => { captured += text; } });
  pgm.sql(captured.slice(captured.indexOf('CREATE OR REPLACE FUNCTION es_append(')));
};
