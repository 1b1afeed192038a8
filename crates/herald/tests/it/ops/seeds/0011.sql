-- Rows 0011 adds: a password reset that was used.
INSERT INTO password_resets (token_hash, user_id, created_at, expires_at, used_at)
VALUES ('hash-of-up-reset-1', 'up-user-1', 1700000011000, 1700000014600, 1700000011500);
