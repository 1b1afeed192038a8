-- Review (postgres): comments on posts, and client review links. Same conventions as 0001.

-- A comment on a post. author: the actor who wrote it (`user:<id>`, `token:<id>`, or
-- `review:<link id>` for a client through a review link). mentions: a JSON array of the
-- user ids its `@Name`s named (each told once, `mentioned`).
CREATE TABLE comments (
    id           TEXT COLLATE "C" PRIMARY KEY,
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    post_id      TEXT COLLATE "C" NOT NULL REFERENCES posts (id),
    author       TEXT NOT NULL,
    text         TEXT NOT NULL,
    mentions     TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE INDEX comments_by_post ON comments (post_id, created_at, id);

-- A client review link: only the SHA-256 (hex) of its secret is kept. post_ids: a JSON
-- array of the posts it shows. created_by: the actor who made it (four eyes counts
-- them). reminded_at: when its reminder e-mail was handed to one instance (once ever).
CREATE TABLE review_links (
    id             TEXT COLLATE "C" PRIMARY KEY,
    workspace_id   TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    secret_hash    TEXT COLLATE "C" NOT NULL UNIQUE,
    post_ids       TEXT NOT NULL,
    reviewer_name  TEXT NOT NULL,
    reviewer_email TEXT,
    can_decide     BOOLEAN NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT,
    reminded_at    BIGINT
);

CREATE INDEX review_links_by_workspace ON review_links (workspace_id, created_at);
CREATE INDEX review_links_to_remind ON review_links (expires_at)
    WHERE reminded_at IS NULL AND revoked_at IS NULL AND reviewer_email IS NOT NULL;
