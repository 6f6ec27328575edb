-- Quoted names keep their case: "destination_sql_stream" is not DESTINATION_SQL_STREAM.
-- schema: stream SOURCE_SQL_STREAM_001 (TICKER_SYMBOL, SECTOR, CHANGE, PRICE)
CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM (ticker_symbol VARCHAR(4), price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "destination_sql_stream"
    SELECT STREAM ticker_symbol, price
    FROM "SOURCE_SQL_STREAM_001";
