-- The event log is the truth; everything else here is a projection of it.
CREATE TABLE events (
    id         TEXT    PRIMARY KEY,          -- UUIDv7: identity, not order
    station    TEXT    NOT NULL,             -- the desk that wrote it
    actor      TEXT    NOT NULL,             -- staff initials
    hlc        INTEGER NOT NULL,             -- hybrid logical clock: unix ms << 16 | counter
    kind       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,             -- a tablet's serial or an official's id
    cycle      INTEGER NOT NULL DEFAULT 0,   -- the tablet's visit the event belongs to
    ref        TEXT    NOT NULL DEFAULT '',  -- the event an undo or resolve names
    payload    TEXT    NOT NULL DEFAULT '{}',-- JSON, versioned with "v"
    server_seq INTEGER                       -- NULL until the central store acknowledged it
) STRICT;
CREATE INDEX events_subject ON events (subject, hlc);
CREATE INDEX events_hlc ON events (hlc);

CREATE TABLE devices (
    serial          TEXT    PRIMARY KEY,
    model           TEXT    NOT NULL DEFAULT '',
    official_id     TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,        -- effective status, failed and employee-track included
    step            TEXT    NOT NULL,        -- position on the ladder in the current visit
    cycle           INTEGER NOT NULL,
    failure_id      TEXT    NOT NULL DEFAULT '',
    failure_reason  TEXT    NOT NULL DEFAULT '',
    employee        INTEGER NOT NULL DEFAULT 0,
    updated_hlc     INTEGER NOT NULL,
    updated_station TEXT    NOT NULL,
    updated_actor   TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX devices_status ON devices (status);
CREATE INDEX devices_official ON devices (official_id);

CREATE TABLE officials (
    id              TEXT    PRIMARY KEY,     -- the primary e-mail, lower-cased
    name            TEXT    NOT NULL,
    fold            TEXT    NOT NULL,        -- name folded for search: lower case, no diacritics
    municipality    TEXT    NOT NULL DEFAULT '',
    email_primary   TEXT    NOT NULL DEFAULT '',
    email_secondary TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    employee        INTEGER NOT NULL DEFAULT 0,
    removed         INTEGER NOT NULL DEFAULT 0, -- gone from the latest roster
    updated_hlc     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE seats (
    official_id TEXT NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    body        TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (official_id, pos)
) STRICT, WITHOUT ROWID;
CREATE INDEX seats_body ON seats (body);
