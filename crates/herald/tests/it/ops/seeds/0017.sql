-- Rows 0017 adds: one instance's freshness figures.
INSERT INTO freshness_counts (instance_id, checked, violations, since, updated_at)
VALUES ('up-instance-1', 12, 0, 1700000006000, 1700000006500);
