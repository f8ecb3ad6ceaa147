-- Coverage kept as counts, so the overview reads a few hundred rows
-- instead of joining every tablet with its official and seats: one line
-- per municipality (body '') and per municipality and body, by status.
-- Triggers keep it right whatever changes: a tablet's status or official,
-- an official's municipality, their seats.
CREATE TABLE coverage (
    municipality TEXT    NOT NULL,
    body         TEXT    NOT NULL,   -- '' for the municipality's line
    status       TEXT    NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (municipality, body, status)
) STRICT, WITHOUT ROWID;

INSERT INTO coverage (municipality, body, status, n)
SELECT coalesce(o.municipality, ''), '', d.status, count(*)
FROM devices d LEFT JOIN officials o ON o.id = d.official_id GROUP BY 1, 3;
INSERT INTO coverage (municipality, body, status, n)
SELECT o.municipality, s.body, d.status, count(DISTINCT d.serial)
FROM devices d JOIN officials o ON o.id = d.official_id JOIN seats s ON s.official_id = o.id
GROUP BY 1, 2, 3;

-- A tablet counts in its official's municipality line and in one line per
-- distinct body of theirs.
CREATE TRIGGER coverage_device_in AFTER INSERT ON devices BEGIN
    INSERT INTO coverage SELECT coalesce((SELECT municipality FROM officials WHERE id = NEW.official_id), ''), '', NEW.status, 1 WHERE true
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO coverage SELECT DISTINCT o.municipality, s.body, NEW.status, 1
        FROM officials o JOIN seats s ON s.official_id = o.id WHERE o.id = NEW.official_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_device_out AFTER DELETE ON devices BEGIN
    UPDATE coverage SET n = n - 1
        WHERE municipality = coalesce((SELECT municipality FROM officials WHERE id = OLD.official_id), '') AND body = '' AND status = OLD.status;
    UPDATE coverage SET n = n - 1
        WHERE status = OLD.status AND (municipality, body) IN
            (SELECT DISTINCT o.municipality, s.body FROM officials o JOIN seats s ON s.official_id = o.id WHERE o.id = OLD.official_id);
END;

CREATE TRIGGER coverage_device_change AFTER UPDATE OF status, official_id ON devices
WHEN OLD.status IS NOT NEW.status OR OLD.official_id IS NOT NEW.official_id BEGIN
    UPDATE coverage SET n = n - 1
        WHERE municipality = coalesce((SELECT municipality FROM officials WHERE id = OLD.official_id), '') AND body = '' AND status = OLD.status;
    UPDATE coverage SET n = n - 1
        WHERE status = OLD.status AND (municipality, body) IN
            (SELECT DISTINCT o.municipality, s.body FROM officials o JOIN seats s ON s.official_id = o.id WHERE o.id = OLD.official_id);
    INSERT INTO coverage SELECT coalesce((SELECT municipality FROM officials WHERE id = NEW.official_id), ''), '', NEW.status, 1 WHERE true
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO coverage SELECT DISTINCT o.municipality, s.body, NEW.status, 1
        FROM officials o JOIN seats s ON s.official_id = o.id WHERE o.id = NEW.official_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- An official appears (before their seats): their tablets move from the
-- line of tablets without a municipality to theirs.
CREATE TRIGGER coverage_official_in AFTER INSERT ON officials BEGIN
    UPDATE coverage SET n = n - (SELECT count(*) FROM devices d WHERE d.official_id = NEW.id AND d.status = coverage.status)
        WHERE municipality = '' AND body = '';
    INSERT INTO coverage SELECT NEW.municipality, '', d.status, count(*) FROM devices d WHERE d.official_id = NEW.id GROUP BY d.status
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER coverage_official_out AFTER DELETE ON officials BEGIN
    UPDATE coverage SET n = n - (SELECT count(*) FROM devices d WHERE d.official_id = OLD.id AND d.status = coverage.status)
        WHERE municipality = OLD.municipality AND body = '';
    INSERT INTO coverage SELECT '', '', d.status, count(*) FROM devices d WHERE d.official_id = OLD.id GROUP BY d.status
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER coverage_official_moves AFTER UPDATE OF municipality ON officials
WHEN OLD.municipality IS NOT NEW.municipality BEGIN
    UPDATE coverage SET n = n - (SELECT count(*) FROM devices d WHERE d.official_id = OLD.id AND d.status = coverage.status)
        WHERE municipality = OLD.municipality AND (body = '' OR body IN (SELECT body FROM seats WHERE official_id = OLD.id));
    INSERT INTO coverage SELECT NEW.municipality, '', d.status, count(*) FROM devices d WHERE d.official_id = NEW.id GROUP BY d.status
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO coverage SELECT NEW.municipality, s.body, d.status, count(*)
        FROM (SELECT DISTINCT body FROM seats WHERE official_id = NEW.id) s JOIN devices d ON d.official_id = NEW.id WHERE true GROUP BY s.body, d.status
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- A seat in a body the official did not sit in yet counts their tablets
-- there; the last seat in a body taken away uncounts them.
CREATE TRIGGER coverage_seat_in AFTER INSERT ON seats
WHEN NOT EXISTS (SELECT 1 FROM seats WHERE official_id = NEW.official_id AND body = NEW.body AND pos <> NEW.pos) BEGIN
    INSERT INTO coverage SELECT o.municipality, NEW.body, d.status, count(*)
        FROM officials o JOIN devices d ON d.official_id = o.id WHERE o.id = NEW.official_id GROUP BY d.status
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER coverage_seat_out AFTER DELETE ON seats
WHEN NOT EXISTS (SELECT 1 FROM seats WHERE official_id = OLD.official_id AND body = OLD.body) BEGIN
    UPDATE coverage SET n = n - (SELECT count(*) FROM devices d WHERE d.official_id = OLD.official_id AND d.status = coverage.status)
        WHERE municipality = (SELECT municipality FROM officials WHERE id = OLD.official_id) AND body = OLD.body;
END;
