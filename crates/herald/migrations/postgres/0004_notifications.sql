-- Notifications (PostgreSQL), as the SQLite migration: what people are told, the e-mails
-- that go with it (an outbox claimed with a lease), and the positions of the event feed's
-- consumers. Same conventions as 0001; ids compared bytewise (COLLATE "C").

-- One source (e.g. an audit event id) tells one user one kind of thing once.
CREATE TABLE notifications (
    id           TEXT COLLATE "C" PRIMARY KEY,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    post_id      TEXT COLLATE "C" REFERENCES posts (id),
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    source       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    read_at      BIGINT,
    UNIQUE (source, user_id, kind)
);

CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id, created_at DESC, id DESC)
    WHERE read_at IS NULL;

-- id is the notification's. claimed_until: until when a sender holds it, or after a
-- failure when it may be retried; a new mail is free from created_at.
CREATE TABLE email_outbox (
    id            TEXT COLLATE "C" PRIMARY KEY REFERENCES notifications (id),
    recipient     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT NOT NULL,
    sent_at       BIGINT
);

CREATE INDEX email_outbox_ready ON email_outbox (claimed_until, id) WHERE sent_at IS NULL;

-- A consumer of the event feed: the position (txn, seq) of the last event it handled,
-- and who holds it (claim_id) until when.
CREATE TABLE cursors (
    name          TEXT PRIMARY KEY,
    txn           BIGINT NOT NULL,
    seq           BIGINT NOT NULL,
    claim_id      TEXT,
    claimed_until BIGINT NOT NULL DEFAULT 0
);
