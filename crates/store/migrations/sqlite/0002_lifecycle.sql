-- User and token lifecycle: lockout, pending attribute changes, revocation, code caps, groups,
-- filterable attributes for ListUsers, and auth events.

ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until INTEGER;
ALTER TABLE users ADD COLUMN pending TEXT NOT NULL DEFAULT '{}';   -- attribute changes awaiting verification

ALTER TABLE refresh_tokens ADD COLUMN revoked_at INTEGER;
CREATE INDEX refresh_tokens_by_origin ON refresh_tokens(origin_jti);
CREATE INDEX refresh_tokens_revoked ON refresh_tokens(revoked_at) WHERE revoked_at IS NOT NULL;

-- How many codes of one purpose a user was sent in the current window (caps code requests).
ALTER TABLE codes ADD COLUMN sent_in_window INTEGER NOT NULL DEFAULT 1;
ALTER TABLE codes ADD COLUMN window_start INTEGER NOT NULL DEFAULT 0;

CREATE TABLE groups (
    pool_id      TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT,
    precedence   INTEGER,
    role_arn     TEXT,
    created      INTEGER NOT NULL,
    modified     INTEGER NOT NULL,
    PRIMARY KEY (pool_id, name)
) WITHOUT ROWID;

CREATE TABLE user_groups (
    pool_id     TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    sub         TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, sub),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX user_groups_by_user ON user_groups(pool_id, sub);

-- The values ListUsers can filter on, one row per (user, attribute): every filter is an index
-- range, never a scan.
CREATE TABLE user_index (
    pool_id  TEXT NOT NULL,
    attr     TEXT NOT NULL,
    value    TEXT NOT NULL,
    sub      TEXT NOT NULL,
    PRIMARY KEY (pool_id, attr, value, sub),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX user_index_by_user ON user_index(pool_id, sub);

CREATE TABLE auth_events (
    pool_id    TEXT NOT NULL,
    sub        TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    created    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,   -- orders events within one second
    body       TEXT NOT NULL,      -- the event as JSON
    PRIMARY KEY (pool_id, sub, created, seq),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
