-- The delivery queue: each message written in the transaction of the state it announces, taken
-- by a worker (its due time becomes a lease; concurrent workers skip locked rows), deleted once
-- sent. The body is sealed.
CREATE TABLE outbound_messages (
    id          TEXT COLLATE "C" PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL,
    created     BIGINT NOT NULL,
    due         BIGINT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    body        BYTEA NOT NULL,
    last_error  TEXT
);
CREATE INDEX outbound_messages_by_due ON outbound_messages(due);
