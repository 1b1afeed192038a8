-- Rows 0016 adds: a paused queue, the scheduled post that took a slot from it, an
-- import key, and a feed with its last error.
INSERT INTO workspace_queues (workspace_id, slots, paused, claims, updated_at)
VALUES ('up-ws', '[{"weekday":"mon","time":"09:00"}]', TRUE, 2, 1700000005000);

INSERT INTO queued_posts (post_id, workspace_id) VALUES ('up-post-2', 'up-ws');

INSERT INTO post_keys (workspace_id, key, post_id) VALUES ('up-ws', 'import:row-1', 'up-post-1');

INSERT INTO feeds (id, workspace_id, url, platforms, template, created_at, last_checked_at,
    last_error, claimed_until)
VALUES ('up-feed-1', 'up-ws', 'https://blog.example.com/feed.xml', '["twitter"]',
    'New: {title} {link}', 1700000005000, 1700000005100, 'timed out', NULL);
