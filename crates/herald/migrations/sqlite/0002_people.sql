-- People (SQLite): users, their memberships, sessions and invitations; a workspace's own X
-- credentials; who created a token; what a due post waits for; and an index for counting
-- a workspace's posts per network and time window (network caps). Same conventions as
-- 0001: times are epoch milliseconds, enums their API wire names.

-- e-mail addresses are stored lowercased, so UNIQUE is case-insensitive
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    global_admin  BOOLEAN NOT NULL DEFAULT FALSE,
    notify_email  BOOLEAN NOT NULL DEFAULT TRUE,
    -- NULL until an invited user sets a password
    password_hash TEXT,
    created_at    INTEGER NOT NULL
);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE INDEX memberships_by_user ON memberships (user_id);

-- id_hash: SHA-256 (hex) of the session secret; the secret lives only in the cookie
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT
);

CREATE INDEX sessions_by_user ON sessions (user_id, created_at);

-- single use: accepted_at is set once, in the transaction that adds the membership
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    email        TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    invited_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    withdrawn_at INTEGER
);

CREATE INDEX invitations_by_workspace ON invitations (workspace_id, created_at);

-- both NULL (the global credentials apply) or both set
ALTER TABLE workspaces ADD COLUMN x_api_key TEXT;
ALTER TABLE workspaces ADD COLUMN x_api_secret TEXT
    CHECK ((x_api_key IS NULL) = (x_api_secret IS NULL));

-- the user who created the token, where known
ALTER TABLE tokens ADD COLUMN created_by TEXT REFERENCES users (id);

-- why a due post has not gone out yet (`ayrshare_limit`), or NULL
ALTER TABLE posts ADD COLUMN waiting_for TEXT;

-- network caps: a workspace's posts of some statuses whose time (schedule_at, else
-- published_at) falls in a window
CREATE INDEX posts_load ON posts (workspace_id, status, COALESCE(schedule_at, published_at));
