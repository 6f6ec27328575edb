-- stream_join_named_window: the guide's join with a named window (stream-joins-concepts.md), and a LEFT OUTER join
-- schema: stream SOURCE_SQL_STREAM_001 (RecordType, OrderId, TradeId, Ticker, Amount)

CREATE OR REPLACE STREAM OrderStream (orderId INTEGER, ticker VARCHAR(4), amount INTEGER);
CREATE OR REPLACE STREAM TradeStream (tradeId INTEGER, orderId INTEGER, ticker VARCHAR(4), amount INTEGER);
CREATE OR REPLACE STREAM JOINED (orderTime TIMESTAMP, orderId INTEGER, ticker VARCHAR(4), orderAmount INTEGER, tradeAmount INTEGER);
CREATE OR REPLACE STREAM LEFT_JOINED (orderTime TIMESTAMP, orderId INTEGER, ticker VARCHAR(4), orderAmount INTEGER, tradeTicker VARCHAR(4), tradeId INTEGER, tradeAmount INTEGER);

CREATE OR REPLACE PUMP order_pump AS INSERT INTO OrderStream
    SELECT STREAM "OrderId", "Ticker", "Amount" FROM "SOURCE_SQL_STREAM_001" WHERE "RecordType" = 'Order';
CREATE OR REPLACE PUMP trade_pump AS INSERT INTO TradeStream
    SELECT STREAM "TradeId", "OrderId", "Ticker", "Amount" FROM "SOURCE_SQL_STREAM_001" WHERE "RecordType" = 'Trade';

CREATE OR REPLACE PUMP named_pump AS INSERT INTO JOINED
    SELECT STREAM
        ROWTIME,
        o.orderId, o.ticker, o.amount AS orderAmount,
        t.amount AS tradeAmount
    FROM OrderStream AS o
    JOIN TradeStream OVER lastMinute AS t
    ON o.orderId = t.orderId
    WINDOW lastMinute AS
        (RANGE INTERVAL '1' MINUTE PRECEDING);

CREATE OR REPLACE PUMP left_pump AS INSERT INTO LEFT_JOINED
    SELECT STREAM
        ROWTIME,
        o.orderId, o.ticker, o.amount AS orderAmount,
        t.ticker, t.tradeId, t.amount AS tradeAmount
    FROM OrderStream AS o
    LEFT OUTER JOIN TradeStream OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS t
    ON    o.orderId = t.orderId;
