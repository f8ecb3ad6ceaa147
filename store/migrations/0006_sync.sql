-- Sync with the central store: the cursor of the last pulled event, in
-- the same database as the events so both move in one transaction.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX events_outbox ON events (hlc) WHERE server_seq IS NULL;
