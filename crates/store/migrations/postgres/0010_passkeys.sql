-- Users' passkeys (CompleteWebAuthnRegistration): the verified public key as webauthn-rs-core
-- keeps it (JSON), the signature counter a later assertion must pass, and what
-- ListWebAuthnCredentials shows. A credential id belongs to one user of a pool; passkeys go
-- with their user.
CREATE TABLE passkeys (
    pool_id             TEXT COLLATE "C" NOT NULL,
    credential_id       TEXT COLLATE "C" NOT NULL,
    sub                 TEXT COLLATE "C" NOT NULL,
    relying_party_id    TEXT NOT NULL,
    name                TEXT NOT NULL,
    attachment          TEXT,
    transports          TEXT NOT NULL,
    credential          TEXT NOT NULL,
    sign_count          BIGINT NOT NULL,
    created             BIGINT NOT NULL,
    last_used           BIGINT,
    PRIMARY KEY (pool_id, credential_id),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX passkeys_by_user ON passkeys(pool_id, sub, credential_id);
