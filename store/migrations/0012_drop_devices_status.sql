-- Coverage and the list to chase are kept by triggers now; nothing reads
-- tablets by status on a hot path any more, and every step paid for
-- keeping this index (a check-in commits fewer pages without it).
DROP INDEX devices_status;
