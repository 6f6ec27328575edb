-- continuous_filter: from the AWS developer guide, continuous-queries-concepts.md
-- schema: stream SOURCE_SQL_STREAM_001 (TICKER_SYMBOL, SECTOR, CHANGE, PRICE)

CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), 
                                                   price DOUBLE);
-- CREATE OR REPLACE PUMP to insert into output
CREATE OR REPLACE PUMP "STREAM_PUMP" AS 
  INSERT INTO "DESTINATION_SQL_STREAM" 
      SELECT STREAM TICKER_SYMBOL, 
                    PRICE 
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  (ABS((CHANGE / (PRICE-CHANGE)) * 100)) > 15;
