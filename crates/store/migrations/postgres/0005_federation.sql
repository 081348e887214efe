-- A pool's external identity providers (the body is the provider, its secrets sealed), and the
-- IdpIdentifiers that name them, each naming one provider of the pool.
CREATE TABLE identity_providers (
    pool_id  TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name     TEXT COLLATE "C" NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE idp_identifiers (
    pool_id     TEXT COLLATE "C" NOT NULL,
    identifier  TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, identifier),
    FOREIGN KEY (pool_id, name) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE
);
CREATE INDEX idp_identifiers_by_provider ON idp_identifiers(pool_id, name);
