-- The list of officials to chase changes only when a tablet leaves or
-- enters "expected", or an official or their seats change. A counter
-- bumped then lets the overview keep its list when nothing in it moved.
-- (Named coverage_* so a rebuild sets them aside with the others.)
CREATE TABLE chase_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
) STRICT;
INSERT INTO chase_version (id, v) VALUES (1, 0);

CREATE TRIGGER coverage_chase_device_in AFTER INSERT ON devices WHEN NEW.status = 'expected' BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER coverage_chase_device_out AFTER DELETE ON devices WHEN OLD.status = 'expected' BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER coverage_chase_device_change AFTER UPDATE OF status, official_id, model ON devices
WHEN (OLD.status = 'expected' OR NEW.status = 'expected')
  AND (OLD.status IS NOT NEW.status OR OLD.official_id IS NOT NEW.official_id OR OLD.model IS NOT NEW.model) BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER coverage_chase_official_in AFTER INSERT ON officials BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER coverage_chase_official_change AFTER UPDATE ON officials BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER coverage_chase_official_out AFTER DELETE ON officials BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER coverage_chase_seat_in AFTER INSERT ON seats BEGIN
    UPDATE chase_version SET v = v + 1;
END;
CREATE TRIGGER coverage_chase_seat_out AFTER DELETE ON seats BEGIN
    UPDATE chase_version SET v = v + 1;
END;
