-- Laptops, phones and tablets bought for the next term follow the
-- lifecycle, not the migration's upgrade ladder: their status is
-- 'lifecycle', and coverage and the chase list leave them out. The
-- projection decides it, so the rebuild it asks for runs once on open.
INSERT OR IGNORE INTO pending (what) SELECT 'rebuild' WHERE EXISTS (SELECT 1 FROM events);
