-- The guide's error_stream exploration (app-explore-error-stream.md) is a query for the console,
-- not application code: code holds CREATE statements, and queries run in pumps.
SELECT STREAM ticker_symbol, sector, change, (price / 0) as ProblemColumn
FROM "SOURCE_SQL_STREAM_001"
WHERE sector SIMILAR TO '%TECH%';
