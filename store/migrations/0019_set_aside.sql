-- Coverage triggers that a long piece of work (seeding a county) set
-- aside across its transactions, with the statements that make them
-- again. The work counts coverage and the chase list once at its end and
-- puts them back; a desk that opens with rows here was stopped before
-- that end, and does both then.
CREATE TABLE set_aside (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
