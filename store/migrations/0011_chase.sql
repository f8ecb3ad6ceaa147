-- The list of officials to chase, kept by triggers like coverage: a tablet
-- on the roster still expected, of an official still on it, with what
-- the overview shows. The overview reads it in one pass, in name order.
CREATE TABLE chase (
    serial       TEXT NOT NULL PRIMARY KEY,
    official_id  TEXT NOT NULL,
    fold         TEXT NOT NULL,
    name         TEXT NOT NULL,
    municipality TEXT NOT NULL,
    phone        TEXT NOT NULL,
    email        TEXT NOT NULL,
    model        TEXT NOT NULL,
    seats        TEXT NOT NULL   -- JSON [{"body","role"}], in seat order
) STRICT, WITHOUT ROWID;
CREATE INDEX chase_order ON chase (fold, official_id, serial);
CREATE INDEX chase_official ON chase (official_id);

INSERT INTO chase
SELECT d.serial, o.id, o.fold, o.name, o.municipality, o.phone, o.email_primary, d.model,
       (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = o.id ORDER BY pos))
FROM devices d JOIN officials o ON o.id = d.official_id
WHERE d.status = 'expected' AND o.removed = 0;

CREATE TRIGGER coverage_chase_list_device_in AFTER INSERT ON devices WHEN NEW.status = 'expected' BEGIN
    INSERT OR REPLACE INTO chase
    SELECT NEW.serial, o.id, o.fold, o.name, o.municipality, o.phone, o.email_primary, NEW.model,
           (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = o.id ORDER BY pos))
    FROM officials o WHERE o.id = NEW.official_id AND o.removed = 0;
END;

CREATE TRIGGER coverage_chase_list_device_out AFTER DELETE ON devices WHEN OLD.status = 'expected' BEGIN
    DELETE FROM chase WHERE serial = OLD.serial;
END;

CREATE TRIGGER coverage_chase_list_device_change AFTER UPDATE OF status, official_id, model ON devices
WHEN OLD.status = 'expected' OR NEW.status = 'expected' BEGIN
    DELETE FROM chase WHERE serial = OLD.serial;
    INSERT OR REPLACE INTO chase
    SELECT NEW.serial, o.id, o.fold, o.name, o.municipality, o.phone, o.email_primary, NEW.model,
           (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = o.id ORDER BY pos))
    FROM officials o WHERE o.id = NEW.official_id AND o.removed = 0 AND NEW.status = 'expected';
END;

CREATE TRIGGER coverage_chase_list_official_in AFTER INSERT ON officials WHEN NEW.removed = 0 BEGIN
    INSERT OR REPLACE INTO chase
    SELECT d.serial, NEW.id, NEW.fold, NEW.name, NEW.municipality, NEW.phone, NEW.email_primary, d.model,
           (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = NEW.id ORDER BY pos))
    FROM devices d WHERE d.official_id = NEW.id AND d.status = 'expected';
END;

CREATE TRIGGER coverage_chase_list_official_change AFTER UPDATE ON officials BEGIN
    DELETE FROM chase WHERE official_id = OLD.id;
    INSERT OR REPLACE INTO chase
    SELECT d.serial, NEW.id, NEW.fold, NEW.name, NEW.municipality, NEW.phone, NEW.email_primary, d.model,
           (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = NEW.id ORDER BY pos))
    FROM devices d WHERE d.official_id = NEW.id AND d.status = 'expected' AND NEW.removed = 0;
END;

CREATE TRIGGER coverage_chase_list_official_out AFTER DELETE ON officials BEGIN
    DELETE FROM chase WHERE official_id = OLD.id;
END;

CREATE TRIGGER coverage_chase_list_seat_in AFTER INSERT ON seats BEGIN
    UPDATE chase SET seats = (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = NEW.official_id ORDER BY pos))
    WHERE official_id = NEW.official_id;
END;

CREATE TRIGGER coverage_chase_list_seat_out AFTER DELETE ON seats BEGIN
    UPDATE chase SET seats = (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = OLD.official_id ORDER BY pos))
    WHERE official_id = OLD.official_id;
END;
