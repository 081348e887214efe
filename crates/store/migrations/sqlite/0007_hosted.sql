-- The OAuth scopes a hosted sign-in granted, kept by the refresh token so that a refresh grants
-- the same (NULL: a sign-in through the API). Hosted sessions and authorization codes live in
-- `sessions`, told apart by `challenge`.
ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT;
