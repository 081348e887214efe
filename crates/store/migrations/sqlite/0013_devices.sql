-- Devices users confirmed (ConfirmDevice): each proves itself at sign-in with SRP against its
-- sealed verifier. They go with their user.
CREATE TABLE devices (
    pool_id             TEXT NOT NULL,
    device_key          TEXT NOT NULL,
    sub                 TEXT NOT NULL,
    group_key           TEXT NOT NULL,
    name                TEXT,
    salt                BLOB NOT NULL,
    verifier            BLOB NOT NULL,
    remembered          INTEGER NOT NULL,
    created             INTEGER NOT NULL,
    modified            INTEGER NOT NULL,
    last_authenticated  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, device_key),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX devices_by_user ON devices(pool_id, sub, device_key);

-- The device a refresh token's sign-in was made on, named again by refreshed access tokens.
ALTER TABLE refresh_tokens ADD COLUMN device_key TEXT;
