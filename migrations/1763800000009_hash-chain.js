/* eslint-disable */
// Tamper evidence (issue 12, item 3; docs/audit.md, "The hash chain"). Every stored event carries
//
//   content_hash = sha256(es_event_content(stream, revision, event id, type, schema version, data, metadata))
//                  where es_event_content is the text of jsonb_build_array(those seven values): PostgreSQL's
//                  canonical jsonb text (keys in jsonb order, one space after ',' and ':'), one line, no newline;
//   hash         = sha256(hex(prev_hash) || '\n' || position || '\n' || recorded_at in µs since 1970 || '\n' || hex(content_hash))
//   prev_hash    = the hash of the event before it in position order (64 zero hex digits before the first).
//
// Computed in the append itself (es_append, es_append_many), so no writer can skip it. Appends commit
// concurrently (0007), so the previous event may not be committed when the next one takes its position: the
// chain's head is therefore kept where es_take_positions keeps the positions and the time, outside any
// transaction: four sequences (es_chain_head_1..4, 64 bits each, set under the same session advisory lock
// (25971, 0) as the positions). es_take_chained takes the positions and the time and links the append's events
// to the head in one step under that lock, then moves the head to the append's last hash. So the hashes follow
// position order exactly, and no commit waits for another's.
//
// An append that takes positions and then rolls back (a crash, a terminated backend, a unique violation of an
// event id racing another stream) leaves a hole in the positions; the next event's prev_hash is then the hash
// of an event that was never committed. Verification reports that as a hole (positions missing, the link not
// continuous); the checkpointer (libs/audit/src/chain) attests the holes it finds in its signed checkpoints
// (docs/audit.md, "Holes").
//
// Existing events are chained here, in position order (the migration's one pass over es_events).
exports.up = (pgm) => {
  pgm.sql(`
    CREATE FUNCTION es_event_content(p_stream text, p_revision bigint, p_event_id uuid, p_type text, p_version int, p_data jsonb, p_metadata jsonb)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT jsonb_build_array(p_stream, p_revision, p_event_id, p_type, p_version, p_data, p_metadata)::text
    $$;

    CREATE FUNCTION es_chain_link(p_prev bytea, p_position bigint, p_recorded_at_us bigint, p_content_hash bytea)
    RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT sha256(convert_to(encode(p_prev, 'hex') || E'\\n' || p_position::text || E'\\n' || p_recorded_at_us::text || E'\\n' || encode(p_content_hash, 'hex'), 'UTF8'))
    $$;

    CREATE FUNCTION es_recorded_at_us(p_at timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT (extract(epoch FROM p_at) * 1000000)::bigint
    $$;

    ALTER TABLE es_events ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

    DO $$
    DECLARE
      v_prev bytea := decode(repeat('0', 64), 'hex');
      r record;
    BEGIN
      FOR r IN SELECT global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at
                 FROM es_events ORDER BY global_position LOOP
        UPDATE es_events
           SET prev_hash = v_prev,
               hash = es_chain_link(v_prev, r.global_position, es_recorded_at_us(r.recorded_at),
                                    sha256(convert_to(es_event_content(r.stream_id, r.stream_revision, r.event_id, r.event_type, r.schema_version, r.data, r.metadata), 'UTF8')))
         WHERE global_position = r.global_position
        RETURNING hash INTO v_prev;
      END LOOP;
    END;
    $$;

    ALTER TABLE es_events ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;

    -- The chain's head: 256 bits in four 64-bit sequences (non-transactional, like es_position_seq).
    CREATE SEQUENCE es_chain_head_1 AS bigint MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807 CACHE 1;
    CREATE SEQUENCE es_chain_head_2 AS bigint MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807 CACHE 1;
    CREATE SEQUENCE es_chain_head_3 AS bigint MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807 CACHE 1;
    CREATE SEQUENCE es_chain_head_4 AS bigint MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807 CACHE 1;

    CREATE FUNCTION es_chain_head_set(p_hash bytea) RETURNS void LANGUAGE sql AS $$
      SELECT setval('es_chain_head_1', ('x' || encode(substring(p_hash FROM 1 FOR 8), 'hex'))::bit(64)::bigint),
             setval('es_chain_head_2', ('x' || encode(substring(p_hash FROM 9 FOR 8), 'hex'))::bit(64)::bigint),
             setval('es_chain_head_3', ('x' || encode(substring(p_hash FROM 17 FOR 8), 'hex'))::bit(64)::bigint),
             setval('es_chain_head_4', ('x' || encode(substring(p_hash FROM 25 FOR 8), 'hex'))::bit(64)::bigint)
    $$;
    CREATE FUNCTION es_chain_head_get() RETURNS bytea LANGUAGE sql STABLE AS $$
      SELECT decode(lpad(to_hex(a.last_value), 16, '0') || lpad(to_hex(b.last_value), 16, '0') ||
                    lpad(to_hex(c.last_value), 16, '0') || lpad(to_hex(d.last_value), 16, '0'), 'hex')
        FROM es_chain_head_1 a, es_chain_head_2 b, es_chain_head_3 c, es_chain_head_4 d
    $$;
    SELECT es_chain_head_set(coalesce((SELECT hash FROM es_events ORDER BY global_position DESC LIMIT 1), decode(repeat('0', 64), 'hex')));

    -- es_take_positions (0007) and the chain in one step under its lock: the xid, the positions, the time, and
    -- the hashes of the events whose content hashes are given (in position order), linked to the head, which
    -- moves to the last of them. prev_hash is the head before (the prev_hash of the first event).
    CREATE FUNCTION es_take_chained(p_content_hashes bytea[], OUT xid xid8, OUT first_position bigint, OUT recorded_at timestamptz,
                                    OUT prev_hash bytea, OUT hashes bytea[])
    LANGUAGE plpgsql AS $$
    DECLARE
      v_n int := cardinality(p_content_hashes);
      v_at_us bigint;
      v_head bytea;
      v_i int;
    BEGIN
      hashes := '{}';
      BEGIN
        PERFORM pg_advisory_lock(25971, 0);
        SELECT p.xid, p.first_position,
               setval('es_recorded_at_us', greatest(c.last_value, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 0 * p.last_position))
          INTO xid, first_position, v_at_us
          FROM (SELECT x.xid, n.first_position,
                       CASE WHEN v_n > 1 THEN setval('es_position_seq', n.first_position + v_n - 1) ELSE n.first_position END AS last_position
                  FROM (SELECT pg_current_xact_id() AS xid) x,
                       LATERAL (SELECT nextval(CASE WHEN x.xid IS NOT NULL THEN 'es_position_seq' END::regclass) AS first_position) n) p,
               es_recorded_at_us c;
        prev_hash := es_chain_head_get();
        v_head := prev_hash;
        FOR v_i IN 1 .. v_n LOOP
          v_head := es_chain_link(v_head, first_position + v_i - 1, v_at_us, p_content_hashes[v_i]);
          hashes := hashes || v_head;
        END LOOP;
        PERFORM es_chain_head_set(v_head);
      EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(25971, 0);
        RAISE;
      END;
      PERFORM pg_advisory_unlock(25971, 0);
      recorded_at := 'epoch'::timestamptz + v_at_us * interval '1 microsecond';
    END;
    $$;
  `);
  pgm.sql(appendFunctions());
  // Signed checkpoints of the chain (libs/audit/src/chain/checkpoints.ts): payload is the signed text, the other
  // columns are read from it; a copy of each goes to the checkpoint file outside the database.
  pgm.sql(`
    CREATE TABLE es_chain_checkpoints (
      sequence   integer PRIMARY KEY,
      position   bigint NOT NULL,
      hash       text NOT NULL,
      events     bigint NOT NULL,
      created_at timestamptz NOT NULL,
      key_id     text NOT NULL,
      payload    text NOT NULL,
      signature  text NOT NULL
    );
  `);
  pgm.sql('DROP FUNCTION es_take_positions(int);');
};

// es_append_many and es_append of 0007 with step 2 replaced by es_take_chained: the events' content hashes are
// computed before it (pure computation: no xid yet), their hashes under its lock, all stored by the insert.
function appendFunctions() {
  return `
    CREATE OR REPLACE FUNCTION es_append_many(
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
      v_prev bytea;
      v_hashes bytea[];
      v_e_streams text[];
      v_e_revs bigint[];
      v_e_idx int[];
      v_content bytea[];
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
        -- The new events in call order: their stream, revision and index in the arguments, and content hashes.
        SELECT array_agg(a.stream ORDER BY e.i), array_agg(a.first_rev + e.i - a.start ORDER BY e.i), array_agg(e.i::int ORDER BY e.i),
               array_agg(sha256(convert_to(es_event_content(a.stream, a.first_rev + e.i - a.start, e.id, e.t, e.v, e.d, e.m), 'UTF8')) ORDER BY e.i)
          INTO v_e_streams, v_e_revs, v_e_idx, v_content
          FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata) WITH ORDINALITY AS e(id, t, v, d, m, i)
          JOIN (SELECT x.stream, x.first_rev, x.n,
                       (sum(x.n) OVER (ORDER BY x.k) - x.n + 1)::int AS start, CASE WHEN x.new > 0 THEN 1 ELSE 0 END AS fresh
                  FROM unnest(p_streams, v_first_rev, p_counts, v_new) WITH ORDINALITY AS x(stream, first_rev, n, new, k)) a
            ON e.i >= a.start AND e.i < a.start + a.n
         WHERE a.fresh = 1;

        -- 2. Xid, positions, time and the chain together, under a lock held for microseconds.
        SELECT t.xid, t.first_position, t.recorded_at, t.prev_hash, t.hashes INTO v_xid, v_first_pos, v_at, v_prev, v_hashes
          FROM es_take_chained(v_content) t;

        -- 3. The events, positions in call order, each with its link of the chain.
        INSERT INTO es_events (global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at, append_xid, prev_hash, hash)
          SELECT v_first_pos + q.j - 1, q.s, q.r, p_event_ids[q.k], p_types[q.k], p_versions[q.k], p_data[q.k], p_metadata[q.k], v_at, v_xid,
                 CASE WHEN q.j = 1 THEN v_prev ELSE v_hashes[q.j - 1] END, v_hashes[q.j]
            FROM unnest(v_e_streams, v_e_revs, v_e_idx) WITH ORDINALITY AS q(s, r, k, j);
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

    CREATE OR REPLACE FUNCTION es_append(
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
      v_prev bytea;
      v_hashes bytea[];
      v_content bytea[];
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
      SELECT array_agg(sha256(convert_to(es_event_content(p_stream, v_first + x.i - 1, x.e, x.t, x.v, x.d, x.m), 'UTF8')) ORDER BY x.i) INTO v_content
        FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata) WITH ORDINALITY AS x(e, t, v, d, m, i);
      SELECT t.xid, t.first_position, t.recorded_at, t.prev_hash, t.hashes INTO v_xid, v_pos, v_at, v_prev, v_hashes FROM es_take_chained(v_content) t;
      INSERT INTO es_events (global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at, append_xid, prev_hash, hash)
        SELECT v_pos + x.i - 1, p_stream, v_first + x.i - 1, x.e, x.t, x.v, x.d, x.m, v_at, v_xid,
               CASE WHEN x.i = 1 THEN v_prev ELSE v_hashes[x.i - 1] END, v_hashes[x.i]
          FROM unnest(p_event_ids, p_types, p_versions, p_data, p_metadata) WITH ORDINALITY AS x(e, t, v, d, m, i);
      RETURN QUERY SELECT v_first + v_n - 1, v_pos + v_n - 1, false;
    END;
    $$;
  `;
}

exports.down = (pgm) => {
  throw new Error('1763800000009_hash-chain is not reversible: restore a backup taken before it');
};
