-- real_world_forms: forms found in applications that ran on KDA (the console's templates, AWS workshops),
-- written again for this test: a tumbling window by epoch arithmetic, ROWTIME inserted as a data column,
-- an alias without AS, system columns, implicit select aliases, aggregates inside scalar calls in a stagger window.
-- schema: stream SOURCE_SQL_STREAM_001 (ticker, price, user_id, device_id, client_event, client_timestamp)

CREATE OR REPLACE STREAM "TEN_SECONDS" (ticker VARCHAR(4), min_price REAL, max_price REAL, n INTEGER);
CREATE OR REPLACE PUMP "TEN_SECONDS_PUMP" AS INSERT INTO "TEN_SECONDS"
SELECT STREAM "ticker"
, min("price") as min_price
, max("price") as max_price
, COUNT(*) AS n
FROM "SOURCE_SQL_STREAM_001"
GROUP BY "ticker", FLOOR(("SOURCE_SQL_STREAM_001".ROWTIME - TIMESTAMP '1970-01-01 00:00:00') SECOND / 10 TO SECOND);

CREATE OR REPLACE STREAM "PER_MINUTE" ("Ticker" VARCHAR(16), "At" TIMESTAMP, "Total" DOUBLE, "Arrived" TIMESTAMP);
CREATE OR REPLACE PUMP "PER_MINUTE_PUMP" AS
  INSERT INTO "PER_MINUTE"
    SELECT STREAM "ticker", "ROWTIME", SUM("price"), STEP(src.APPROXIMATE_ARRIVAL_TIME BY INTERVAL '60' SECOND)
    FROM "SOURCE_SQL_STREAM_001" src
    GROUP BY FLOOR(src."ROWTIME" TO MINUTE), "ticker", STEP(src.APPROXIMATE_ARRIVAL_TIME BY INTERVAL '60' SECOND);

CREATE OR REPLACE STREAM "SESSIONS" (session_id VARCHAR(60), user_id INTEGER, events INTEGER,
    first_event VARCHAR(32), last_event VARCHAR(32), began VARCHAR(25), duration_sec INTEGER);
CREATE OR REPLACE PUMP "SESSION_PUMP" AS INSERT INTO "SESSIONS"
    SELECT STREAM
        UPPER(CAST("user_id" AS VARCHAR(3)) || '_' || SUBSTRING("device_id", 1, 3)
            || CAST(UNIX_TIMESTAMP(STEP("client_timestamp" BY INTERVAL '30' SECOND)) / 1000 AS VARCHAR(20))),
        "user_id",
        COUNT("client_event") events,
        first_value("client_event"),
        last_value("client_event"),
        SUBSTRING(CAST(MIN("client_timestamp") AS VARCHAR(25)), 15, 19),
        TSDIFF(MAX("client_timestamp"), MIN("client_timestamp")) / 1000
    FROM "SOURCE_SQL_STREAM_001"
    WINDOWED BY STAGGER (
        PARTITION BY "user_id", "device_id", STEP("client_timestamp" BY INTERVAL '30' SECOND)
        RANGE INTERVAL '30' SECOND);
