-- A post's figures by post (the post page and its analytics read).
CREATE INDEX post_metrics_by_post ON post_metrics (post_id) WHERE post_id IS NOT NULL;
