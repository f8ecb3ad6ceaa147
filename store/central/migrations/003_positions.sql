-- An event's position comes from the transaction that wrote it, not from
-- one counter row per tenant: the counter row serialised every push of a
-- tenant through one lock, held to commit (the classic hotspot, on a
-- distributed engine worst of all).
--
-- A push now numbers its events base + (its transaction id << 20) + i.
-- Transaction ids are handed out in order, and a pull returns only the
-- positions below base + (the oldest transaction still running << 20):
-- every transaction below that has ended, so no event can later commit
-- below a position a pull has returned. The positions are sparse and
-- ordered; base lies above every position the counter gave, so the old
-- events keep theirs and stay first.
CREATE TABLE event_positions (
    base bigint NOT NULL
);
INSERT INTO event_positions SELECT coalesce(max(seq), 0) + 1 FROM events;
DROP TABLE tenant_seq;
