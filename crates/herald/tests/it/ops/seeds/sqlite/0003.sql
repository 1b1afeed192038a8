-- Rows 0003 adds: a post that went overdue (reported), and an event in the feed's order.
INSERT INTO posts (id, workspace_id, text, platforms, media_urls, status, schedule_at, version,
    author, created_at, updated_at, platform_results, overdue_reported_at)
VALUES ('up-post-3', 'up-ws', 'Seeded at 0003: awaiting approval', '["instagram"]', '[]',
    'pending_approval', 1700000002500, 1, 'editor@example.com', 1700000002000, 1700000002000,
    '[]', 1700000002600);

INSERT INTO post_events (id, post_id, workspace_id, actor, action, comment, from_status,
    to_status, version, at, txn, seq)
VALUES ('up-ev-3', 'up-post-3', 'up-ws', 'editor@example.com', 'create', NULL, NULL,
    'pending_approval', 1, 1700000002000, 0, 100);
