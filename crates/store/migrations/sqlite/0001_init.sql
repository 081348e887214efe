-- Cognate's SQLite schema. Every lookup on a hot path is by primary key or an index.

CREATE TABLE pools (
    id        TEXT PRIMARY KEY NOT NULL,
    created   INTEGER NOT NULL,
    body      TEXT NOT NULL            -- the pool's settings, as JSON
) WITHOUT ROWID;

CREATE TABLE pool_keys (
    kid       TEXT PRIMARY KEY NOT NULL,
    pool_id   TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    purpose   TEXT NOT NULL,           -- 'id' or 'access'
    pkcs8     BLOB NOT NULL,
    created   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX pool_keys_by_pool ON pool_keys(pool_id);

CREATE TABLE clients (
    id        TEXT PRIMARY KEY NOT NULL,
    pool_id   TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    body      TEXT NOT NULL            -- the client's settings and secret, as JSON
) WITHOUT ROWID;
CREATE INDEX clients_by_pool ON clients(pool_id, id);

CREATE TABLE users (
    pool_id        TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    sub            TEXT NOT NULL,
    username       TEXT NOT NULL,
    status         TEXT NOT NULL,
    enabled        INTEGER NOT NULL,
    password_hash  TEXT,
    attributes     TEXT NOT NULL,      -- JSON object of name -> value
    created        INTEGER NOT NULL,
    modified       INTEGER NOT NULL,
    temp_expires   INTEGER,
    PRIMARY KEY (pool_id, sub)
) WITHOUT ROWID;

-- Every name a user signs in with (username, email/phone as username, verified aliases),
-- normalised; the primary key makes them unique within a pool.
CREATE TABLE logins (
    pool_id   TEXT NOT NULL,
    login     TEXT NOT NULL,
    sub       TEXT NOT NULL,
    PRIMARY KEY (pool_id, login),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX logins_by_user ON logins(pool_id, sub);

CREATE TABLE codes (
    pool_id   TEXT NOT NULL,
    sub       TEXT NOT NULL,
    purpose   TEXT NOT NULL,
    digest    TEXT NOT NULL,
    expires   INTEGER NOT NULL,
    attempts  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, sub, purpose),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE refresh_tokens (
    digest      TEXT PRIMARY KEY NOT NULL,
    pool_id     TEXT NOT NULL,
    client_id   TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    sub         TEXT NOT NULL,
    origin_jti  TEXT NOT NULL,
    auth_time   INTEGER NOT NULL,
    expires     INTEGER NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_by_user ON refresh_tokens(pool_id, sub);
CREATE INDEX refresh_tokens_by_client ON refresh_tokens(client_id);

CREATE TABLE sessions (
    digest     TEXT PRIMARY KEY NOT NULL,
    pool_id    TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    sub        TEXT NOT NULL,
    challenge  TEXT NOT NULL,
    expires    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions(expires);
