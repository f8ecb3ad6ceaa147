-- A station's last refused sync, for the dashboard's Desks page: when,
-- and why (wire's refusal code: another database syncing as the station,
-- or a push carrying another station's events). The refused desk says it
-- in its own words; this tells IT and management, who do not sit at it.
ALTER TABLE stations ADD COLUMN refused_at timestamptz;
ALTER TABLE stations ADD COLUMN refused text;
