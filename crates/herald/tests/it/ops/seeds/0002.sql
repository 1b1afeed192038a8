-- Rows 0002 adds: people (users, memberships, a session, an invitation), a workspace's
-- own X credentials, a token's creator, a due post waiting for Ayrshare's limit.
INSERT INTO users (id, email, name, global_admin, notify_email, password_hash, created_at)
VALUES
    ('up-user-1', 'editor@example.com', 'Eddie Editor', FALSE, TRUE,
     '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', 1700000001000),
    ('up-user-2', 'invited@example.com', 'Ivy Invited', FALSE, FALSE, NULL, 1700000001001);

INSERT INTO memberships (workspace_id, user_id, role, created_at)
VALUES ('up-ws', 'up-user-1', 'admin', 1700000001002);

INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
VALUES ('up-session-hash', 'up-user-1', 1700000001003, 1700000001004, 1900000000000, 'curl');

INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, created_at,
    expires_at, accepted_at, withdrawn_at)
VALUES ('up-invite-1', 'up-ws', 'invited@example.com', 'viewer', 'up-invite-hash',
    'up-user-1', 1700000001005, 1900000000000, NULL, NULL);

UPDATE workspaces SET x_api_key = 'x-key-up', x_api_secret = 'x-secret-up' WHERE id = 'up-ws';
UPDATE tokens SET created_by = 'up-user-1' WHERE id = 'up-token-1';
UPDATE posts SET waiting_for = 'ayrshare_limit' WHERE id = 'up-post-2';
