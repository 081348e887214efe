-- The OAuth side of a pool: its domains (a prefix and/or a custom host name, unique across
-- pools) and its resource servers with their custom scopes.
CREATE TABLE domains (
    domain   TEXT PRIMARY KEY NOT NULL,
    pool_id  TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    body     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX domains_by_pool ON domains(pool_id);

CREATE TABLE resource_servers (
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    identifier  TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier)
) WITHOUT ROWID;
