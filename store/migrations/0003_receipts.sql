-- Receipts: each is also a 'receipt' event on its tablet, so the log holds
-- everything needed to render it again.
CREATE TABLE receipts (
    station    TEXT    NOT NULL,
    number     INTEGER NOT NULL,   -- per station, from 1
    serial     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,   -- I hand-in, O hand-back
    token      TEXT    NOT NULL,
    content    TEXT    NOT NULL,   -- the receipt's fields as JSON, to render it again
    issued_hlc INTEGER NOT NULL,
    event_id   TEXT    NOT NULL,
    PRIMARY KEY (station, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX receipts_serial ON receipts (serial, issued_hlc);
