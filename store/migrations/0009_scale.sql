-- What a county's worth of officials and a million events need.

-- Recent activity walks a station's events newest first and stops at 50;
-- today's counts read today's events of the station.
DROP INDEX events_station_kind;
CREATE INDEX events_station ON events (station, hlc);

-- Name search: names that begin with what was typed come straight from
-- this index, in name order.
CREATE INDEX officials_fold ON officials (fold);

-- ... and every word of every name, for "nordmann" or "kari nord".
CREATE TABLE name_words (
    word        TEXT NOT NULL,   -- folded, as officials.fold
    official_id TEXT NOT NULL,
    PRIMARY KEY (word, official_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX name_words_official ON name_words (official_id);
WITH RECURSIVE split(id, word, rest) AS (
    SELECT id, '', replace(fold, '-', ' ') || ' ' FROM officials
    UNION ALL
    SELECT id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1) FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO name_words (word, official_id) SELECT word, id FROM split WHERE word <> '';
