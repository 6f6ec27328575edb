-- stream_join: the stream-to-stream join of the AWS developer guide (stream-joins-concepts.md), in a pump
-- schema: stream SOURCE_SQL_STREAM_001 (RecordType, OrderId, TradeId, Ticker, Amount)

CREATE OR REPLACE STREAM OrderStream (orderId INTEGER, ticker VARCHAR(4), amount INTEGER);
CREATE OR REPLACE STREAM TradeStream (tradeId INTEGER, orderId INTEGER, ticker VARCHAR(4), amount INTEGER);
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    orderTime TIMESTAMP, orderId INTEGER, ticker VARCHAR(4), orderAmount INTEGER, tradeAmount INTEGER);

CREATE OR REPLACE PUMP order_pump AS INSERT INTO OrderStream
    SELECT STREAM "OrderId", "Ticker", "Amount" FROM "SOURCE_SQL_STREAM_001" WHERE "RecordType" = 'Order';
CREATE OR REPLACE PUMP trade_pump AS INSERT INTO TradeStream
    SELECT STREAM "TradeId", "OrderId", "Ticker", "Amount" FROM "SOURCE_SQL_STREAM_001" WHERE "RecordType" = 'Trade';

-- The join: every trade with the order it fills, if the order came in the minute before.
CREATE OR REPLACE PUMP join_pump AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM
        ROWTIME,
        o.orderId, o.ticker, o.amount AS orderAmount,
        t.amount AS tradeAmount
    FROM OrderStream AS o
    JOIN TradeStream OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS t
    ON   o.orderId = t.orderId;
