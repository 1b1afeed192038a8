-- Rows 0006 adds: a post's figures on one network, an account's figures.
INSERT INTO post_metrics (ayrshare_id, platform, workspace_id, post_id, posted_at, metrics, as_of,
    next_refresh_at, refresh_claimed_until)
VALUES ('ayr-up-1', 'twitter', 'up-ws', 'up-post-1', 1700000000300, '{"likes":7,"shares":2}',
    1700000005000, 1900000000000, 0);

INSERT INTO account_metrics (workspace_id, platform, metrics, as_of)
VALUES ('up-ws', 'twitter', '{"followers":1200}', 1700000005001);
