-- SRP: each user's salt and sealed verifier; state carried between the two SRP steps.
ALTER TABLE users ADD COLUMN srp_salt BLOB;
ALTER TABLE users ADD COLUMN srp_verifier BLOB;   -- AES-256-GCM under a server key
ALTER TABLE sessions ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
