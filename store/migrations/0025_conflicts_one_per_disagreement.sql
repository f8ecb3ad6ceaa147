-- One disagreement, one conflict: where a desk took several steps
-- against the same step of another (upgrading, then upgraded, not having
-- seen the other desk's failure), the projection now keeps only its last
-- one (projectConflicts). The conflicts projected before keep each such
-- step; this drops the same rows the projection no longer makes: a
-- conflict that shares one step with another conflict whose other step
-- is a later one of the same desk.
DELETE FROM conflicts AS c WHERE EXISTS (
    SELECT 1 FROM conflicts AS d WHERE d.serial = c.serial AND (
        (d.first_id = c.second_id AND d.second_station = c.first_station AND d.second_hlc > c.first_hlc) OR
        (d.second_id = c.second_id AND d.first_station = c.first_station AND d.first_hlc > c.first_hlc) OR
        (d.first_id = c.first_id AND d.second_station = c.second_station AND d.second_hlc > c.second_hlc) OR
        (d.second_id = c.first_id AND d.first_station = c.second_station AND d.first_hlc > c.second_hlc)));
