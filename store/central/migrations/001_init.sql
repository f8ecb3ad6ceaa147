-- The central store as it was before migrations were versioned: IF NOT
-- EXISTS, so a database made by an earlier dropin adopts version 1 as is.
CREATE TABLE IF NOT EXISTS tenant_seq (
    tenant text PRIMARY KEY,
    last   bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS stations (
    name       text PRIMARY KEY,
    tenant     text NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    revoked    boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS events (
    tenant   text   NOT NULL,
    seq      bigint NOT NULL,
    id       uuid   NOT NULL UNIQUE,
    hash     bytea  NOT NULL,
    station  text   NOT NULL,
    actor    text   NOT NULL,
    hlc      bigint NOT NULL,
    kind     text   NOT NULL,
    subject  text   NOT NULL,
    cycle    int    NOT NULL,
    ref      text   NOT NULL,
    payload  text   NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, seq)
);
