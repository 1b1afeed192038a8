-- Rows 0013 adds: an outgoing webhook endpoint and one delivered message in its outbox.
INSERT INTO webhook_endpoints (id, workspace_id, url, events, secret, created_at,
    failing_since, disabled_at)
VALUES ('up-hook-1', 'up-ws', 'https://hooks.example.com/herald', '["post.created"]',
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1700000004000, NULL, NULL);

INSERT INTO webhook_outbox (id, endpoint_id, source, event_type, post_id, post_seq, body,
    status, attempts, last_status, last_error, next_attempt_at, give_up_at, created_at)
VALUES ('msg_up1', 'up-hook-1', 'event:up-ev-1', 'post.created', 'up-post-1', 16,
    '{"type":"post.created","timestamp":"2023-11-14T22:13:20.000Z","data":{}}', 'delivered',
    1, 204, NULL, 1700000004100, 1700086404000, 1700000004000);
