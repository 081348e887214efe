-- The revocation feed: one row per revocation, in commit order (one writer), read by verifiers
-- from a cursor. Rows outlive the users and tokens they name; they are served for one day.
CREATE TABLE revocations (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id      TEXT NOT NULL,
    sub          TEXT NOT NULL,
    reason       TEXT NOT NULL,
    origin_jtis  TEXT NOT NULL,        -- JSON array
    whole_user   INTEGER NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX revocations_by_pool ON revocations(pool_id, seq);
