-- Rows 0015 adds: a post with a variant, a first comment and alt text; the URL of an
-- upload; a template and a hashtag group.
UPDATE posts SET compose = '{"variants":{"twitter":{"text":"short"}},"first_comment":"more","alt_text":{"https://example.com/a.png":"a logo"}}'
WHERE id = (SELECT MIN(id) FROM posts);
UPDATE media SET url = 'https://cdn.example.com/logo.png' WHERE id = 'up-media-1';
INSERT INTO templates (id, workspace_id, name, body, created_by, created_at, updated_at)
VALUES ('up-template-1', 'up-ws', 'Launch', '{"text":"We launch","platforms":["twitter"]}',
    'up-user-1', 1700000015000, 1700000015000);
INSERT INTO hashtag_groups (id, workspace_id, name, tags, created_by, created_at, updated_at)
VALUES ('up-tags-1', 'up-ws', 'Brand', '["#herald","#launch"]', 'up-user-1', 1700000015000,
    1700000015000);
