-- datetime_functions: from the AWS developer guide, app-string-datetime-manipulation.md
-- schema: stream SOURCE_SQL_STREAM_001 (TICKER, EVENT_TIME, PRICE)

CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    TICKER VARCHAR(4), 
    event_time TIMESTAMP, 
    five_minutes_before TIMESTAMP, 
    event_unix_timestamp BIGINT,
    event_timestamp_as_char VARCHAR(50),
    event_second INTEGER);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"

SELECT STREAM 
    TICKER, 
    EVENT_TIME,
    EVENT_TIME - INTERVAL '5' MINUTE,
    UNIX_TIMESTAMP(EVENT_TIME),
    TIMESTAMP_TO_CHAR('yyyy-MM-dd hh:mm:ss', EVENT_TIME),
    EXTRACT(SECOND FROM EVENT_TIME) 
FROM "SOURCE_SQL_STREAM_001"
