-- Rows 0014 adds: a comment on a post and a client review link for it.
INSERT INTO comments (id, workspace_id, post_id, author, text, mentions, created_at)
VALUES ('up-comment-1', 'up-ws', 'up-post-1', 'user:up-user-1', 'Looks good @Ann', '[]',
    1700000005000);

INSERT INTO review_links (id, workspace_id, secret_hash, post_ids, reviewer_name,
    reviewer_email, can_decide, created_by, created_at, expires_at, revoked_at, reminded_at)
VALUES ('up-link-1', 'up-ws',
    'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778', '["up-post-1"]',
    'Client Co', 'client@example.com', TRUE, 'user:up-user-1', 1700000005000, 1700259205000,
    NULL, NULL);
