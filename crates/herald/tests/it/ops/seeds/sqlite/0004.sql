-- Rows 0004 adds: a notification with its e-mail in the outbox, a feed consumer's cursor.
INSERT INTO notifications (id, user_id, workspace_id, post_id, kind, text, source, created_at,
    read_at)
VALUES ('up-note-1', 'up-user-1', 'up-ws', 'up-post-1', 'published', 'Your post went out',
    'up-ev-2', 1700000003000, NULL);

INSERT INTO email_outbox (id, recipient, subject, body, created_at, attempts, claimed_until,
    sent_at)
VALUES ('up-note-1', 'editor@example.com', 'Published: spring launch', 'It went out.',
    1700000003000, 1, 1700000003000, 1700000003100);

INSERT INTO cursors (name, txn, seq, claim_id, claimed_until)
VALUES ('notifications', 0, 100, NULL, 0);
