-- A user's second factors (JSON, the TOTP secret sealed), and the last TOTP step accepted, so
-- that each code is accepted once.
ALTER TABLE users ADD COLUMN mfa TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;
