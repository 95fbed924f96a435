/* eslint-disable */
// Personal data (issue 12 item 5; docs/audit.md "Personal data"): the key store of the envelope encryption. One row
// per person: their data key, wrapped by the key-encryption key kek_id (libs/event-store/src/personal-data). Erasing
// the person sets wrapped_key and kek_id to NULL and erased_at: the key is gone (crypto-shredding), the row is the
// tombstone that refuses new personal data of theirs. Kept outside the log: no event holds a key.
exports.up = (pgm) => {
  pgm.sql(`
    CREATE TABLE pii_keys (
      subject_id  text PRIMARY KEY,
      wrapped_key bytea,
      kek_id      text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      erased_at   timestamptz,
      CONSTRAINT pii_keys_erased_or_keyed CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL) AND (wrapped_key IS NULL) = (kek_id IS NULL))
    );
  `);
};

exports.down = (pgm) => {
  pgm.sql('DROP TABLE pii_keys;');
};
