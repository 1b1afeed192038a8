-- Rows a 0001 database holds: a workspace, a token, two posts (one published, one
-- scheduled) with their audit events, a handled webhook delivery.
INSERT INTO workspaces (id, name, profile_key, timezone, requires_approval, late_approval,
    content_version, created_at)
VALUES ('up-ws', 'Upgrade', 'PROFILE-KEY-UP', 'Europe/London', TRUE, 'expire', 3, 1700000000000);

INSERT INTO tokens (id, workspace_id, role, name, token_hash, created_at, revoked_at)
VALUES ('up-token-1', 'up-ws', 'editor', 'ci', 'hash-of-up-token-1', 1700000000001, NULL);

INSERT INTO posts (id, workspace_id, text, platforms, media_urls, status, schedule_at, version,
    author, created_at, updated_at, published_at, ayrshare_id, platform_results, lease_until,
    publish_key, publish_attempts, publish_targets)
VALUES
    ('up-post-1', 'up-ws', 'Seeded at 0001: searchable spring launch', '["twitter","linkedin"]',
     '[]', 'published', NULL, 3, 'editor@example.com', 1700000000100, 1700000000300,
     1700000000300, 'ayr-up-1', '[]', NULL, 'pub-key-1', 1, '["twitter","linkedin"]'),
    ('up-post-2', 'up-ws', 'Seeded at 0001: scheduled', '["facebook"]', '[]', 'scheduled',
     1900000000000, 2, 'editor@example.com', 1700000000200, 1700000000250, NULL, NULL, '[]',
     NULL, NULL, 0, '[]');

INSERT INTO post_events (id, post_id, workspace_id, actor, action, comment, from_status,
    to_status, version, at)
VALUES
    ('up-ev-1', 'up-post-1', 'up-ws', 'editor@example.com', 'create', NULL, NULL,
     'pending_approval', 1, 1700000000100),
    ('up-ev-2', 'up-post-1', 'up-ws', 'approver@example.com', 'approve', 'ship it',
     'pending_approval', 'published', 3, 1700000000300);

INSERT INTO webhook_deliveries (hook_id, received_at) VALUES ('up-hook-1', 1700000000400);
