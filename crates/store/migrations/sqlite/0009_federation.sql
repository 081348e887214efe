-- A pool's external identity providers (the body is the provider, its secrets sealed), and the
-- IdpIdentifiers that name them, each naming one provider of the pool.
CREATE TABLE identity_providers (
    pool_id  TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (pool_id, name)
) WITHOUT ROWID;

CREATE TABLE idp_identifiers (
    pool_id     TEXT NOT NULL,
    identifier  TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier),
    FOREIGN KEY (pool_id, name) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX idp_identifiers_by_provider ON idp_identifiers(pool_id, name);
