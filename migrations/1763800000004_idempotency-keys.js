/* eslint-disable */
// Idempotency-Key bindings (docs/adr/0006-idempotency-keys.md). A key is scoped to the member who sent it and
// bound to the fingerprint of the request it first came with, so that the same key with another request is a
// 422 before anything runs, instead of a silent duplicate of the first request.
exports.up = (pgm) => {
  pgm.sql(`
    CREATE TABLE idempotency_keys (
      -- the member named by the bearer token: keys of different members never meet
      member_id     text        NOT NULL,
      key           text        NOT NULL,
      -- v1:<sha256 of the canonical JSON of method, path, query and body> (libs/platform/src/http/request-fingerprint.ts)
      fingerprint   text        NOT NULL,
      -- the first request, for the 422's detail and for support
      method        text        NOT NULL,
      path          text        NOT NULL,
      -- the command id derived from (member, key): the events of the first run carry it
      command_id    uuid        NOT NULL,
      -- retention is counted from here; an expired row is taken over by the next request with the key
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (member_id, key)
    );
    -- the purge of expired bindings
    CREATE INDEX idempotency_keys_first_seen_idx ON idempotency_keys (first_seen_at);
  `);
};

exports.down = (pgm) => {
  pgm.sql('DROP TABLE idempotency_keys;');
};
