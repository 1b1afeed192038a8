-- Rows 0009 adds: a token issued by another token (its new column), beside the seeded
-- token whose issuer the migration derives from its creating user.
INSERT INTO tokens (id, workspace_id, role, name, token_hash, created_at, revoked_at, created_by, issued_by)
VALUES ('up-token-2', 'up-ws', 'viewer', 'reports', 'hash-of-up-token-2', 1700000009001, NULL, 'up-user-1', 'token:up-token-1');
