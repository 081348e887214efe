-- The OAuth side of a pool: its domains (a prefix and/or a custom host name, unique across
-- pools) and its resource servers with their custom scopes.
CREATE TABLE domains (
    domain   TEXT COLLATE "C" PRIMARY KEY,
    pool_id  TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    body     TEXT NOT NULL
);
CREATE INDEX domains_by_pool ON domains(pool_id);

CREATE TABLE resource_servers (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    identifier  TEXT COLLATE "C" NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier)
);
