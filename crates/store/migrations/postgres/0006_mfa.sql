-- A user's second factors (JSON, the TOTP secret sealed), and the last TOTP step accepted, so
-- that each code is accepted once.
ALTER TABLE users ADD COLUMN mfa TEXT NOT NULL DEFAULT '{}', ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0;
