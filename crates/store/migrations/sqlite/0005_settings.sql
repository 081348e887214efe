-- Deployment-wide settings that every instance must share, such as the server secret.
CREATE TABLE settings (
    name   TEXT PRIMARY KEY NOT NULL,
    value  BLOB NOT NULL
) WITHOUT ROWID;
