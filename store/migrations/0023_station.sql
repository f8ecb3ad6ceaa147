-- A database is one station's. Every event it writes carries the
-- station's name, and the central store takes from a station only its
-- own events, so a database written under two names (the desk under
-- --station, a roster imported from a shell under the host's name) could
-- never push again. The name is kept as the setting 'station', claimed
-- by the desk or the first command that writes events (ClaimStation). A
-- database made before it takes the station of its outbox, its own
-- events not yet pushed, when they are all of one station.
INSERT INTO settings (key, value)
SELECT 'station', min(station) FROM events WHERE server_seq IS NULL
HAVING count(DISTINCT station) = 1;
