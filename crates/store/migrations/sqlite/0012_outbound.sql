-- The delivery queue: each message written in the transaction of the state it announces, taken
-- by a worker (its due time becomes a lease), deleted once sent. The body is sealed.
CREATE TABLE outbound_messages (
    id          TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL,
    created     INTEGER NOT NULL,
    due         INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    body        BLOB NOT NULL,
    last_error  TEXT
) WITHOUT ROWID;
CREATE INDEX outbound_messages_by_due ON outbound_messages(due);
