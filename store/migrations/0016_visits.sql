-- Walk-in visits: the queue and the visit log, projected from the visit-*
-- events (subject visit:<id>). One row a visit; its devices (the device
-- steps taken during it) in visit_devices, so a tablet's card finds the
-- visit receipts that list it.
CREATE TABLE visits (
    id              TEXT    PRIMARY KEY,
    official_id     TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    meeting_body    TEXT    NOT NULL,
    meeting_day     TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    arrived_hlc     INTEGER NOT NULL,
    arrived_station TEXT    NOT NULL,
    arrived_actor   TEXT    NOT NULL,
    called_hlc      INTEGER NOT NULL,
    station         TEXT    NOT NULL,
    staff           TEXT    NOT NULL,
    closed_hlc      INTEGER NOT NULL,
    outcome         TEXT    NOT NULL,
    ticket          TEXT    NOT NULL,
    training_what   TEXT    NOT NULL,
    training_for    TEXT    NOT NULL,
    close_note      TEXT    NOT NULL,
    followed_hlc    INTEGER NOT NULL,
    followed_actor  TEXT    NOT NULL,
    last_event      TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX visits_by_state ON visits (state, arrived_hlc);
CREATE INDEX visits_by_arrival ON visits (arrived_hlc);

CREATE TABLE visit_devices (
    visit_id TEXT    NOT NULL,
    event_id TEXT    NOT NULL,
    serial   TEXT    NOT NULL,
    step     TEXT    NOT NULL,
    pos      INTEGER NOT NULL,
    PRIMARY KEY (visit_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX visit_devices_by_serial ON visit_devices (serial);
