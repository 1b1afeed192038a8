-- Notifications (SQLite): what people are told, the e-mails that go with it (an outbox
-- claimed with a lease), and the positions of the event feed's consumers. Same
-- conventions as 0001.

-- One source (e.g. an audit event id) tells one user one kind of thing once.
CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    post_id      TEXT REFERENCES posts (id),
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    source       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    read_at      INTEGER,
    UNIQUE (source, user_id, kind)
);

CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id, created_at DESC, id DESC)
    WHERE read_at IS NULL;

-- id is the notification's. claimed_until: until when a sender holds it, or after a
-- failure when it may be retried; a new mail is free from created_at.
CREATE TABLE email_outbox (
    id            TEXT PRIMARY KEY REFERENCES notifications (id),
    recipient     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER NOT NULL,
    sent_at       INTEGER
);

CREATE INDEX email_outbox_ready ON email_outbox (claimed_until, id) WHERE sent_at IS NULL;

-- A consumer of the event feed: the position (txn, seq) of the last event it handled,
-- and who holds it (claim_id) until when.
CREATE TABLE cursors (
    name          TEXT PRIMARY KEY,
    txn           INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    claim_id      TEXT,
    claimed_until INTEGER NOT NULL DEFAULT 0
);
