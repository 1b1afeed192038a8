-- Outgoing webhooks (PostgreSQL): a workspace's endpoints and their deliveries, an outbox
-- filled from the event feed and claimed with a lease. Same conventions as 0001; ids compared bytewise (COLLATE "C").

-- secret: the whole `whsec_…` value, kept so Herald can sign (never listed).
-- events: a JSON array of event type names. failing_since: the first failure since the
-- last success; disabled_at: when 24 h of failures disabled it.
CREATE TABLE webhook_endpoints (
    id            TEXT COLLATE "C" PRIMARY KEY,
    workspace_id  TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    url           TEXT NOT NULL,
    events        TEXT NOT NULL,
    secret        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    failing_since BIGINT,
    disabled_at   BIGINT
);

CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id, created_at);

-- One message to one endpoint: id is its `webhook-id`; one per (endpoint, audit event,
-- event type). post_seq orders one post's messages; body is fixed at creation, so every
-- attempt sends the same bytes. next_attempt_at: when it may be claimed (a claim moves it
-- to the lease's end). give_up_at: after it, a failure ends as `failed`.
CREATE TABLE webhook_outbox (
    id              TEXT COLLATE "C" PRIMARY KEY,
    endpoint_id     TEXT COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    source          TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    post_id         TEXT COLLATE "C",
    post_seq        BIGINT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_status     BIGINT,
    last_error      TEXT,
    next_attempt_at BIGINT NOT NULL,
    give_up_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (endpoint_id, source, event_type)
);

CREATE INDEX webhook_outbox_ready ON webhook_outbox (next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX webhook_outbox_post_order ON webhook_outbox (endpoint_id, post_id, post_seq)
    WHERE status = 'pending';
CREATE INDEX webhook_outbox_log ON webhook_outbox (endpoint_id, created_at DESC, id DESC);
