-- Refresh-token rotation: when a rotating client's refresh replaced this token, the time until
-- which it still works (its grace period); NULL while it is the current one.
ALTER TABLE refresh_tokens ADD COLUMN rotated_until BIGINT;
