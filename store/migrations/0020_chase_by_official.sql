-- The chase list keyed by official, then serial: its own index for what
-- the triggers look up by official (an official or their seats changed),
-- so chase_official goes, and a check-in writes one page fewer. A tablet's
-- triggers know its official, and find its row by both.
DROP TRIGGER IF EXISTS coverage_chase_list_device_out;
DROP TRIGGER IF EXISTS coverage_chase_list_device_change;
DROP TABLE chase;
CREATE TABLE chase (
    serial       TEXT NOT NULL,
    official_id  TEXT NOT NULL,
    fold         TEXT NOT NULL,
    name         TEXT NOT NULL,
    municipality TEXT NOT NULL,
    phone        TEXT NOT NULL,
    email        TEXT NOT NULL,
    model        TEXT NOT NULL,
    seats        TEXT NOT NULL,  -- JSON [{"body","role"}], in seat order
    PRIMARY KEY (official_id, serial)
) STRICT, WITHOUT ROWID;
CREATE INDEX chase_order ON chase (fold, official_id, serial);

INSERT INTO chase
SELECT d.serial, o.id, o.fold, o.name, o.municipality, o.phone, o.email_primary, d.model,
       (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = o.id ORDER BY pos))
FROM devices d JOIN officials o ON o.id = d.official_id
WHERE d.status = 'expected' AND o.removed = 0;

CREATE TRIGGER coverage_chase_list_device_out AFTER DELETE ON devices WHEN OLD.status = 'expected' BEGIN
    DELETE FROM chase WHERE official_id = OLD.official_id AND serial = OLD.serial;
END;

CREATE TRIGGER coverage_chase_list_device_change AFTER UPDATE OF status, official_id, model ON devices
WHEN OLD.status = 'expected' OR NEW.status = 'expected' BEGIN
    DELETE FROM chase WHERE official_id = OLD.official_id AND serial = OLD.serial;
    INSERT OR REPLACE INTO chase
    SELECT NEW.serial, o.id, o.fold, o.name, o.municipality, o.phone, o.email_primary, NEW.model,
           (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = o.id ORDER BY pos))
    FROM officials o WHERE o.id = NEW.official_id AND o.removed = 0 AND NEW.status = 'expected';
END;

-- A desk stopped while its coverage triggers were set aside (a seed) has
-- them here, the old way: these two are in place now, and its recount at
-- open makes the list again from the tablets.
DELETE FROM set_aside WHERE name IN ('coverage_chase_list_device_out', 'coverage_chase_list_device_change');
