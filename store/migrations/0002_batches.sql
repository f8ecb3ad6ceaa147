-- Batch intake: a named pile of collected tablets and every read of it.
CREATE TABLE batches (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    it_date    TEXT    NOT NULL DEFAULT '', -- the date agreed with IT, as typed
    body       TEXT    NOT NULL DEFAULT '', -- the body whose tablets are expected; '' for the whole roster
    closed     INTEGER NOT NULL DEFAULT 0,
    opened_hlc INTEGER NOT NULL,
    station    TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE batch_reads (
    batch_id TEXT    NOT NULL,
    event_id TEXT    NOT NULL,               -- the batch-read event
    hlc      INTEGER NOT NULL,
    raw      TEXT    NOT NULL,               -- as the scanner typed it (clean before showing)
    serial   TEXT    NOT NULL DEFAULT '',    -- '' for an invalid read
    class    TEXT    NOT NULL,               -- new, duplicate, unknown, invalid
    reason   INTEGER NOT NULL DEFAULT 0,     -- scan.Reason of an invalid read
    undone   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_reads_order ON batch_reads (batch_id, hlc);
-- Leads with the serial: with (batch_id, serial) the planner preferred the
-- primary key's batch_id prefix and scanned the whole batch on every read.
CREATE INDEX batch_reads_serial ON batch_reads (serial, batch_id, undone, class);

-- "Is this event undone?" is asked of every event the status bar counts;
-- by subject it scanned a whole batch's reads per event.
CREATE INDEX events_undo ON events (ref) WHERE kind = 'undo';

-- Today's counts in the status bar: the steps one station took since
-- midnight, by kind, without reading every batch read of the day.
CREATE INDEX events_station_kind ON events (station, kind, hlc);
