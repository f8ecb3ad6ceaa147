-- One index fewer to write with every event. The log's index on hlc alone
-- served two reads: the clock's high-water mark at start and the
-- dashboard's events per station since a time. Both read each station's
-- range of events_station (station, hlc) instead, stations found by
-- skipping through that index (a handful of seeks, not a scan).
DROP INDEX events_hlc;
