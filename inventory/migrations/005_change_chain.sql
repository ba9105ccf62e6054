-- Tamper-evident change log (issue 11). Every row gets the OS user that made it (beside the free-text
-- actor) and an HMAC-SM3 hash over its content and the previous row's hash; the key lives outside the
-- database. change_head records how far the chain has grown (row count, last id and hash, keyed), so
-- that a cut tail is told from a short log. The existing rows are chained by govnet right after this
-- file runs, in the same transaction (src/inventory/changes.ts, chainExisting).
ALTER TABLE changes ADD COLUMN os_user TEXT;
ALTER TABLE changes ADD COLUMN hash TEXT;

CREATE TABLE change_head (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  rows      INTEGER NOT NULL,
  last_id   INTEGER NOT NULL,
  last_hash TEXT NOT NULL,
  mac       TEXT NOT NULL
);
