-- The freshness monitor's figures (G11): one row per instance (per process start), each
-- holding that instance's totals, so GET /api/ops/freshness sums them over all instances.
-- Same conventions as 0001 (times in ms since the epoch).
CREATE TABLE freshness_counts (
    instance_id TEXT PRIMARY KEY,
    checked     INTEGER NOT NULL,
    violations  INTEGER NOT NULL,
    since       INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
