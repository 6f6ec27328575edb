-- dialect: one application that uses every construct the parser accepts
-- schema: stream SOURCE_SQL_STREAM_001 (TICKER_SYMBOL, SECTOR, CHANGE, PRICE, EVENT_TIME, log)
-- schema: table Sectors (SECTOR, Label)

/* A user-defined function, written in SQL. */
CREATE OR REPLACE FUNCTION percent_change(change DOUBLE, price DOUBLE)
    RETURNS DOUBLE
    LANGUAGE SQL
    DETERMINISTIC
    CONTAINS SQL
    RETURNS NULL ON NULL INPUT
    RETURN change / (price - change) * 100;

CREATE OR REPLACE STREAM "ENRICHED" (
    ticker       VARCHAR(4) NOT NULL,
    "Label"      CHARACTER VARYING(20),
    pct          DOUBLE PRECISION,
    price_band   CHAR(6),
    price        DECIMAL(8, 2),
    minute_of    TIMESTAMP,
    second_of    INTEGER,
    age          INTERVAL DAY TO SECOND(3),
    hex          VARBINARY(4),
    flag         BOOLEAN
) DESCRIPTION 'Every scalar construct';

CREATE OR REPLACE PUMP "ENRICH_PUMP" STARTED DESCRIPTION 'scalar expressions' AS
    INSERT INTO "ENRICHED" (ticker, "Label", pct, price_band, price, minute_of, second_of, age, hex, flag)
    SELECT STREAM
        UPPER(TRIM(BOTH ' ' FROM s.ticker_symbol)),
        COALESCE(r."Label", 'unknown ' || LOWER(s.sector)),
        percent_change(s.change, s.price),
        CASE WHEN s.price >= 100 THEN 'HIGH' WHEN s.price BETWEEN 10 AND 100 THEN 'MEDIUM' ELSE 'LOW' END,
        CAST(s.price AS DECIMAL(8, 2)),
        FLOOR(s.event_time TO MINUTE),
        EXTRACT(SECOND FROM s.event_time),
        (CURRENT_ROW_TIMESTAMP - s.event_time) DAY TO SECOND,
        X'CAFE',
        s.change IS NOT NULL AND NOT (s.sector IN ('TECHNOLOGY', 'ENERGY') OR s.sector LIKE 'FIN%' ESCAPE '!')
    FROM "SOURCE_SQL_STREAM_001" AS s
    LEFT JOIN "Sectors" AS r ON s.sector = r.sector
    WHERE s.ticker_symbol SIMILAR TO '[A-Z]+'
      AND s.price IS DISTINCT FROM 0
      AND s.event_time > TIMESTAMP '2018-01-01 00:00:00' - INTERVAL '1' DAY
      AND POSITION('X' IN s.ticker_symbol) = 0
      AND SUBSTRING(s.ticker_symbol FROM 1 FOR 2) <> 'ZZ'
      AND CHAR_LENGTH(OVERLAY(s.sector PLACING 'x' FROM 1 FOR 1)) > -1;

CREATE OR REPLACE STREAM "STATS" (ticker VARCHAR(4), n BIGINT, distinct_sectors BIGINT, lo REAL, hi REAL, prev DOUBLE, second_last DOUBLE, band_start TIMESTAMP);

-- Sliding windows, named and inline, with LAG and NTH_VALUE.
CREATE OR REPLACE PUMP "STATS_PUMP" AS
    INSERT INTO "STATS"
    SELECT STREAM
        ticker_symbol,
        COUNT(*) OVER last_hour,
        COUNT(DISTINCT sector) OVER last_hour,
        MIN(price) OVER (PARTITION BY ticker_symbol ROWS BETWEEN 10 PRECEDING AND CURRENT ROW),
        MAX(price) OVER (PARTITION BY ticker_symbol RANGE INTERVAL '59:59.999' MINUTE TO SECOND(3) PRECEDING),
        LAG(price, 1, 0) IGNORE NULLS OVER last_ten,
        NTH_VALUE(price, 2) FROM LAST RESPECT NULLS OVER last_ten,
        STEP(event_time BY INTERVAL '10' MINUTE)
    FROM "SOURCE_SQL_STREAM_001"
    WINDOW last_hour AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' HOUR PRECEDING),
           last_ten AS (PARTITION BY ticker_symbol ROWS 10 PRECEDING);

CREATE OR REPLACE STREAM "PER_MINUTE" (ticker VARCHAR(4), trades BIGINT, avg_price DOUBLE);

-- A tumbling window with HAVING, two inputs merged with UNION ALL, ordered by time.
CREATE OR REPLACE PUMP "MINUTE_PUMP" AS
    INSERT INTO "PER_MINUTE"
    SELECT STREAM ticker_symbol, COUNT(*) AS trades, AVG(price) AS avg_price
    FROM (
        SELECT STREAM ticker_symbol, price FROM "SOURCE_SQL_STREAM_001" WHERE sector = 'TECHNOLOGY'
        UNION ALL
        SELECT STREAM ticker_symbol, price FROM "SOURCE_SQL_STREAM_001" WHERE sector <> 'TECHNOLOGY'
    ) AS merged
    GROUP BY ticker_symbol, FLOOR(merged.ROWTIME TO MINUTE)
    HAVING COUNT(*) > 1
    ORDER BY FLOOR(merged.ROWTIME TO MINUTE), trades DESC;

CREATE OR REPLACE STREAM "DISTINCT_ITEMS" (items BIGINT);

-- A table function over a cursor.
CREATE OR REPLACE PUMP "DISTINCT_PUMP" AS
    INSERT INTO "DISTINCT_ITEMS"
    SELECT STREAM *
    FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(
        CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 60)) AS d;

CREATE OR REPLACE STREAM "PARSED" (host VARCHAR(64), status VARCHAR(3), unicode VARCHAR(8));

-- Row-valued functions, an alias with a column list, Unicode literals.
CREATE OR REPLACE PUMP "PARSE_PUMP" AS
    INSERT INTO "PARSED"
    SELECT STREAM l.r.COLUMN1, l.r.COLUMN6, U&'caf\00e9' || u&'!263A' UESCAPE '!'
    FROM (SELECT STREAM W3C_LOG_PARSE("log", 'COMMON') FROM "SOURCE_SQL_STREAM_001") AS l(r);
