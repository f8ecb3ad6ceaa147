-- Reminders sent to officials who have not handed in: how many, and the
-- last one's time, address and channel. Projected from "reminded" events
-- (subject reminder:<official>); a change moves the chase list's version,
-- since the list shows "reminded 2 times, last 3.4.".
CREATE TABLE reminders (
    official_id TEXT    PRIMARY KEY,
    count       INTEGER NOT NULL,
    last_hlc    INTEGER NOT NULL,
    address     TEXT    NOT NULL,
    channel     TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER reminders_chase_in AFTER INSERT ON reminders BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER reminders_chase_change AFTER UPDATE ON reminders BEGIN
    UPDATE chase_version SET v = v + 1;
END;
