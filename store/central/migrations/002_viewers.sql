-- The dashboard's logins: a viewer reads one tenant's pages and never
-- syncs; a station token never opens the dashboard. Only hashes of the
-- password and of each session's id are kept.
CREATE TABLE viewers (
    name          text PRIMARY KEY,
    tenant        text NOT NULL,
    password_hash bytea NOT NULL,
    revoked       boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login    timestamptz
);
CREATE TABLE viewer_sessions (
    id_hash bytea PRIMARY KEY,
    viewer  text NOT NULL REFERENCES viewers (name) ON DELETE CASCADE,
    expires timestamptz NOT NULL
);
CREATE INDEX viewer_sessions_viewer ON viewer_sessions (viewer);

-- When each station last synced, for the dashboard's Desks page.
ALTER TABLE stations ADD COLUMN last_sync timestamptz;
