-- Cognate's PostgreSQL schema: the SQLite schema's tables, in one migration. Text keys use the
-- "C" collation so that ordering and prefix ranges (ListUsers, pagination) compare bytes, as
-- SQLite does. Every lookup on a hot path is by primary key or an index.

CREATE TABLE pools (
    id        TEXT COLLATE "C" PRIMARY KEY,
    created   BIGINT NOT NULL,
    body      TEXT NOT NULL
);

CREATE TABLE pool_keys (
    kid       TEXT PRIMARY KEY,
    pool_id   TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    purpose   TEXT NOT NULL,
    pkcs8     BYTEA NOT NULL,
    created   BIGINT NOT NULL
);
CREATE INDEX pool_keys_by_pool ON pool_keys(pool_id);

CREATE TABLE clients (
    id        TEXT COLLATE "C" PRIMARY KEY,
    pool_id   TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    body      TEXT NOT NULL
);
CREATE INDEX clients_by_pool ON clients(pool_id, id);

CREATE TABLE users (
    pool_id          TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    sub              TEXT COLLATE "C" NOT NULL,
    username         TEXT NOT NULL,
    status           TEXT NOT NULL,
    enabled          BOOLEAN NOT NULL,
    password_hash    TEXT,
    attributes       TEXT NOT NULL,
    created          BIGINT NOT NULL,
    modified         BIGINT NOT NULL,
    temp_expires     BIGINT,
    failed_sign_ins  BIGINT NOT NULL DEFAULT 0,
    locked_until     BIGINT,
    pending          TEXT NOT NULL DEFAULT '{}',
    srp_salt         BYTEA,
    srp_verifier     BYTEA,
    PRIMARY KEY (pool_id, sub)
);

CREATE TABLE logins (
    pool_id   TEXT COLLATE "C" NOT NULL,
    login     TEXT COLLATE "C" NOT NULL,
    sub       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, login),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX logins_by_user ON logins(pool_id, sub);

CREATE TABLE codes (
    pool_id         TEXT COLLATE "C" NOT NULL,
    sub             TEXT COLLATE "C" NOT NULL,
    purpose         TEXT NOT NULL,
    digest          TEXT NOT NULL,
    expires         BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    sent_in_window  BIGINT NOT NULL DEFAULT 1,
    window_start    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, sub, purpose),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);

CREATE TABLE refresh_tokens (
    digest      TEXT PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL,
    client_id   TEXT COLLATE "C" NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    sub         TEXT COLLATE "C" NOT NULL,
    origin_jti  TEXT NOT NULL,
    auth_time   BIGINT NOT NULL,
    expires     BIGINT NOT NULL,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    revoked_at  BIGINT,
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens(pool_id, sub);
CREATE INDEX refresh_tokens_by_client ON refresh_tokens(client_id);
CREATE INDEX refresh_tokens_by_origin ON refresh_tokens(origin_jti);

CREATE TABLE sessions (
    digest     TEXT PRIMARY KEY,
    pool_id    TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    sub        TEXT NOT NULL,
    challenge  TEXT NOT NULL,
    expires    BIGINT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_by_expiry ON sessions(expires);

CREATE TABLE groups (
    pool_id      TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    description  TEXT,
    precedence   BIGINT,
    role_arn     TEXT,
    created      BIGINT NOT NULL,
    modified     BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE user_groups (
    pool_id     TEXT COLLATE "C" NOT NULL,
    group_name  TEXT COLLATE "C" NOT NULL,
    sub         TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, group_name, sub),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX user_groups_by_user ON user_groups(pool_id, sub);

CREATE TABLE user_index (
    pool_id  TEXT COLLATE "C" NOT NULL,
    attr     TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    sub      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, attr, value, sub),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX user_index_by_user ON user_index(pool_id, sub);

CREATE TABLE auth_events (
    pool_id    TEXT COLLATE "C" NOT NULL,
    sub        TEXT COLLATE "C" NOT NULL,
    event_id   TEXT NOT NULL,
    created    BIGINT NOT NULL,
    seq        BIGSERIAL,              -- orders events within one second, across instances
    body       TEXT NOT NULL,
    PRIMARY KEY (pool_id, sub, created, seq),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);

-- Appends take a transaction-scoped advisory lock, so that sequence order is commit order and a
-- reader following the cursor never skips an event committed late.
CREATE TABLE revocations (
    seq          BIGSERIAL PRIMARY KEY,
    pool_id      TEXT COLLATE "C" NOT NULL,
    sub          TEXT NOT NULL,
    reason       TEXT NOT NULL,
    origin_jtis  TEXT NOT NULL,
    whole_user   BOOLEAN NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX revocations_by_pool ON revocations(pool_id, seq);

-- Deployment-wide settings that every instance must share, such as the server secret.
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  BYTEA NOT NULL
);
