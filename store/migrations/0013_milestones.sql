-- When each tablet's current visit first reached received, upgraded and
-- the first login, as the projection finds them (HLC; 0: not yet): the
-- dashboard's progress by day. The projection fills them, so the rebuild
-- that the pending row asks for runs once, on the next open.
ALTER TABLE devices ADD COLUMN received_hlc INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN upgraded_hlc INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN login_hlc    INTEGER NOT NULL DEFAULT 0;

-- Work a migration leaves for Go code, done and deleted in one
-- transaction: a kill before it is done leaves the row, and it runs again.
CREATE TABLE pending (what TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
INSERT INTO pending (what) SELECT 'rebuild' WHERE EXISTS (SELECT 1 FROM events);
