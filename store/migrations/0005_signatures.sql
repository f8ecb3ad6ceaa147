-- An official's signature on a receipt: who, how, when, where, and the
-- SHA-256 of the exact receipt content signed. Strokes are personal data:
-- purging sets them to NULL and keeps the rest.
CREATE TABLE signatures (
    station        TEXT    NOT NULL, -- the receipt's station
    number         INTEGER NOT NULL, -- the receipt's number
    serial         TEXT    NOT NULL,
    content_sha256 TEXT    NOT NULL,
    signer         TEXT    NOT NULL,
    method         TEXT    NOT NULL, -- pad or typed
    strokes        TEXT,             -- JSON; NULL once purged
    signed_hlc     INTEGER NOT NULL,
    sign_station   TEXT    NOT NULL,
    staff          TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    PRIMARY KEY (station, number)
) STRICT, WITHOUT ROWID;
