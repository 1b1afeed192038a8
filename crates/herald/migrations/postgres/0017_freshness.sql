-- The freshness monitor's figures (G11): one row per instance (per process start), each
-- holding that instance's totals, so GET /api/ops/freshness sums them over all instances.
-- Same conventions as 0001 (times in ms since the epoch).
CREATE TABLE freshness_counts (
    instance_id TEXT PRIMARY KEY,
    checked     BIGINT NOT NULL,
    violations  BIGINT NOT NULL,
    since       BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
