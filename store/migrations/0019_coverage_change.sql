-- A tablet's step that moves its status ran four statements in this
-- trigger (two lines down, two up), about a fifth of a check-in's work.
-- One upsert does the same: every line the tablet leaves (-1) and joins
-- (+1), summed per line, so a line it both leaves and joins is left as it
-- was. A line is never taken below what it counted: the tablet was in it.
DROP TRIGGER coverage_device_change;
CREATE TRIGGER coverage_device_change AFTER UPDATE OF status, official_id ON devices
WHEN OLD.status IS NOT NEW.status OR OLD.official_id IS NOT NEW.official_id BEGIN
    INSERT INTO coverage (municipality, body, status, n)
    SELECT m, b, st, sum(d) FROM (
        SELECT coalesce((SELECT municipality FROM officials WHERE id = OLD.official_id), '') AS m, '' AS b, OLD.status AS st, -1 AS d
        UNION ALL
        SELECT * FROM (SELECT DISTINCT o.municipality, s.body, OLD.status, -1 FROM officials o JOIN seats s ON s.official_id = o.id WHERE o.id = OLD.official_id)
        UNION ALL
        SELECT coalesce((SELECT municipality FROM officials WHERE id = NEW.official_id), ''), '', NEW.status, 1
        UNION ALL
        SELECT * FROM (SELECT DISTINCT o.municipality, s.body, NEW.status, 1 FROM officials o JOIN seats s ON s.official_id = o.id WHERE o.id = NEW.official_id)
    ) WHERE true GROUP BY m, b, st
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
