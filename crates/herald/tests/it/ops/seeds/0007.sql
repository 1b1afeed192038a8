-- 0007 adds only an index (post_metrics by post): a row it indexes, and one made outside
-- Herald (no post) that it leaves out.
INSERT INTO post_metrics (ayrshare_id, platform, workspace_id, post_id, posted_at, metrics, as_of,
    next_refresh_at, refresh_claimed_until)
VALUES
    ('ayr-up-1', 'linkedin', 'up-ws', 'up-post-1', 1700000000300, '{"likes":3}', 1700000006000,
     NULL, 0),
    ('ayr-outside-1', 'twitter', 'up-ws', NULL, 1700000000900, '{"likes":1}', 1700000006001,
     NULL, 0);
