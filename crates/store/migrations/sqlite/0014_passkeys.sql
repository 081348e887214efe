-- Users' passkeys (CompleteWebAuthnRegistration): the verified public key as webauthn-rs-core
-- keeps it (JSON), the signature counter a later assertion must pass, and what
-- ListWebAuthnCredentials shows. A credential id belongs to one user of a pool; passkeys go
-- with their user.
CREATE TABLE passkeys (
    pool_id             TEXT NOT NULL,
    credential_id       TEXT NOT NULL,
    sub                 TEXT NOT NULL,
    relying_party_id    TEXT NOT NULL,
    name                TEXT NOT NULL,
    attachment          TEXT,
    transports          TEXT NOT NULL,
    credential          TEXT NOT NULL,
    sign_count          INTEGER NOT NULL,
    created             INTEGER NOT NULL,
    last_used           INTEGER,
    PRIMARY KEY (pool_id, credential_id),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX passkeys_by_user ON passkeys(pool_id, sub, credential_id);
