-- Planning (SQLite): text search over posts, due order, a post's time, overdue approvals,
-- and a commit order of audit events for the event feed. Same conventions as 0001.

-- Text search: an external-content FTS5 index of posts.text, kept up to date by the
-- triggers below. Its key is `search_id`, not the rowid: the rowid of a table without an
-- INTEGER PRIMARY KEY may change on VACUUM, search_id never does. Tokens are runs of
-- letters and digits, case-folded, accents kept (as PostgreSQL's 'simple' configuration).
ALTER TABLE posts ADD COLUMN search_id INTEGER;
UPDATE posts SET search_id = rowid;
CREATE UNIQUE INDEX posts_by_search_id ON posts (search_id);

CREATE VIRTUAL TABLE posts_fts USING fts5 (
    text,
    content = 'posts',
    content_rowid = 'search_id',
    tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');

-- One writer at a time, so MAX + 1 (read through posts_by_search_id) is never taken twice.
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    UPDATE posts SET search_id = (SELECT IFNULL(MAX(search_id), 0) + 1 FROM posts)
        WHERE rowid = new.rowid;
    INSERT INTO posts_fts (rowid, text)
        SELECT search_id, text FROM posts WHERE rowid = new.rowid;
END;

CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts
    WHEN old.text IS NOT new.text BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.search_id, old.text);
    INSERT INTO posts_fts (rowid, text) VALUES (new.search_id, new.text);
END;

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.search_id, old.text);
END;

-- Due order: a scheduled post is due at schedule_at, a publishing one once its lease has
-- ended (lease_until + 1 ms, so `<= now` means `lease_until < now`). Only those two
-- statuses are indexed; the queries repeat the index's expression and WHERE verbatim.
DROP INDEX posts_due;
CREATE INDEX posts_due ON posts (
    (CASE status WHEN 'scheduled' THEN schedule_at WHEN 'publishing' THEN lease_until + 1 END),
    id
) WHERE status IN ('scheduled', 'publishing');
CREATE INDEX posts_due_by_workspace ON posts (
    workspace_id,
    (CASE status WHEN 'scheduled' THEN schedule_at WHEN 'publishing' THEN lease_until + 1 END),
    id
) WHERE status IN ('scheduled', 'publishing');

-- A post's time (scheduled, else published, else created): listings by time, the
-- calendar, from/to filters.
CREATE INDEX posts_by_time ON posts (
    workspace_id, (COALESCE(schedule_at, published_at, created_at)), id
);

-- Approvals gone overdue are reported once: when, or NULL while not reported.
ALTER TABLE posts ADD COLUMN overdue_reported_at INTEGER;
CREATE INDEX posts_overdue ON posts (schedule_at, id)
    WHERE status = 'pending_approval' AND overdue_reported_at IS NULL;

-- The event feed's order: (txn, seq). SQLite has one writer, so every event is in
-- transaction 0 and seq (MAX + 1 in the inserting statement) follows commit order.
-- Existing events keep their insertion order.
ALTER TABLE post_events ADD COLUMN txn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE post_events SET seq = rowid;
CREATE UNIQUE INDEX post_events_feed ON post_events (txn, seq);
