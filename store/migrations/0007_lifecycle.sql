-- The equipment lifecycle: what kind of device each is, and who holds it.
ALTER TABLE devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'tablet';
ALTER TABLE devices ADD COLUMN custody TEXT NOT NULL DEFAULT 'stock';
ALTER TABLE devices ADD COLUMN custody_hlc INTEGER NOT NULL DEFAULT 0;
UPDATE devices SET custody = 'held' WHERE official_id <> '';
CREATE INDEX devices_custody ON devices (custody, official_id);

-- A body chair's approval of an official's devices (subject approval:…).
CREATE TABLE approvals (
    official_id TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    granted     INTEGER NOT NULL,   -- 0: withdrawn
    approver    TEXT    NOT NULL,   -- the chair, by name
    hlc         INTEGER NOT NULL,
    station     TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    PRIMARY KEY (official_id, body)
) STRICT, WITHOUT ROWID;

-- Installation help and training asked for at a delivery.
CREATE TABLE requests (
    event_id    TEXT    PRIMARY KEY, -- the delivery ('issued') it came with
    serial      TEXT    NOT NULL,
    official_id TEXT    NOT NULL,
    help        INTEGER NOT NULL,
    training    INTEGER NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    hlc         INTEGER NOT NULL,
    station     TEXT    NOT NULL,
    done_hlc    INTEGER NOT NULL DEFAULT 0, -- 0 while open
    done_actor  TEXT    NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;
CREATE INDEX requests_serial ON requests (serial);
