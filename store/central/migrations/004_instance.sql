-- The database a station is: the id of the desk's database (its own
-- random one, store.Instance) that first synced as the station. Another
-- database with the same name and token (two desks set up alike) is
-- refused: its receipts, numbered per station from 1, would overwrite the
-- first's. `dropin serve station release NAME` empties it for a desk's
-- new machine. NULL: not bound yet (a station added, or synced only by a
-- desk too old to say).
ALTER TABLE stations ADD COLUMN instance text;
