-- Rows 0010 adds: none of its own. Its migration moves the medium seeded at 0005 into
-- media_chunks and counts it in media_usage, so both new tables hold rows.
SELECT 1;
