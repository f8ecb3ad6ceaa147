-- Disagreements between desks: two steps on one device, from two desks
-- that had not seen each other's (neither desk's knowledge, the central
-- log it had pulled, held the other step), that say different things.
-- Projected from the device's events and their central numbers; the
-- merge still decides by the agreed order, this table says who was
-- overruled. first_* sorts first in that order.
CREATE TABLE conflicts (
    serial         TEXT    NOT NULL,
    first_id       TEXT    NOT NULL,
    second_id      TEXT    NOT NULL,
    first_kind     TEXT    NOT NULL,
    second_kind    TEXT    NOT NULL,
    first_station  TEXT    NOT NULL,
    second_station TEXT    NOT NULL,
    first_actor    TEXT    NOT NULL,
    second_actor   TEXT    NOT NULL,
    first_hlc      INTEGER NOT NULL,
    second_hlc     INTEGER NOT NULL,
    PRIMARY KEY (first_id, second_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conflicts_by_serial ON conflicts (serial);
CREATE INDEX conflicts_by_second ON conflicts (second_id);
