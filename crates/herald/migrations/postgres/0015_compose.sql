-- Compose (PostgreSQL, third round), as the SQLite migration: per-network text and first
-- comments, alt text, the URL each upload was given out as, templates and hashtag
-- groups. Same conventions as 0001.

-- A post's compose fields as JSON: {"variants": {platform: {text?, first_comment?}},
-- "first_comment"?, "alt_text": {url: text}, "preview": {url: Herald's copy}}.
ALTER TABLE posts ADD COLUMN compose TEXT NOT NULL DEFAULT '{}';

-- The URL an upload was given out as for media_urls (Herald's own or Ayrshare's hosting
-- of it). Older uploads have none.
ALTER TABLE media ADD COLUMN url TEXT;
CREATE INDEX media_by_url ON media (workspace_id, url);

-- body: JSON {"text", "platforms", "variants"?, "first_comment"?, "media_urls"?}.
CREATE TABLE templates (
    id           TEXT COLLATE "C" PRIMARY KEY,
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CONSTRAINT templates_workspace_id_name_key UNIQUE (workspace_id, name)
);

-- tags: a JSON array of "#tag" strings.
CREATE TABLE hashtag_groups (
    id           TEXT COLLATE "C" PRIMARY KEY,
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    tags         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CONSTRAINT hashtag_groups_workspace_id_name_key UNIQUE (workspace_id, name)
);
