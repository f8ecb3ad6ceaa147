-- The station's own settings (printer, paper): configuration of this
-- desk, not facts about tablets, so they are not events and never sync.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
