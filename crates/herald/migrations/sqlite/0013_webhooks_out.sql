-- Outgoing webhooks (SQLite): a workspace's endpoints and their deliveries, an outbox
-- filled from the event feed and claimed with a lease. Same conventions as 0001.

-- secret: the whole `whsec_…` value, kept so Herald can sign (never listed).
-- events: a JSON array of event type names. failing_since: the first failure since the
-- last success; disabled_at: when 24 h of failures disabled it.
CREATE TABLE webhook_endpoints (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    url           TEXT NOT NULL,
    events        TEXT NOT NULL,
    secret        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    failing_since INTEGER,
    disabled_at   INTEGER
);

CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id, created_at);

-- One message to one endpoint: id is its `webhook-id`; one per (endpoint, audit event,
-- event type). post_seq orders one post's messages; body is fixed at creation, so every
-- attempt sends the same bytes. next_attempt_at: when it may be claimed (a claim moves it
-- to the lease's end). give_up_at: after it, a failure ends as `failed`.
CREATE TABLE webhook_outbox (
    id              TEXT PRIMARY KEY,
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    source          TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    post_id         TEXT,
    post_seq        INTEGER NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    next_attempt_at INTEGER NOT NULL,
    give_up_at      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (endpoint_id, source, event_type)
);

CREATE INDEX webhook_outbox_ready ON webhook_outbox (next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX webhook_outbox_post_order ON webhook_outbox (endpoint_id, post_id, post_seq)
    WHERE status = 'pending';
CREATE INDEX webhook_outbox_log ON webhook_outbox (endpoint_id, created_at DESC, id DESC);
