-- two_record_types: from the AWS developer guide, tworecordtypes-create-app.md
-- schema: stream SOURCE_SQL_STREAM_001 (RecordType, Oid, Otype, Oprice, Oticker, Tid, Toid, Tprice, Tticker)

--Create Order_Stream.
CREATE OR REPLACE STREAM "Order_Stream" 
           ( 
            "order_id"     integer, 
            "order_type"   varchar(10),
            "ticker"       varchar(4),
            "order_price"  DOUBLE, 
            "record_type"  varchar(10)
            );

CREATE OR REPLACE PUMP "Order_Pump" AS 
   INSERT INTO "Order_Stream"
      SELECT STREAM "Oid", "Otype","Oticker", "Oprice", "RecordType" 
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  "RecordType" = 'Order';
--********************************************
--Create Trade_Stream.      
CREATE OR REPLACE STREAM "Trade_Stream" 
           ("trade_id"     integer, 
            "order_id"     integer, 
            "trade_price"  DOUBLE, 
            "ticker"       varchar(4),
            "record_type"  varchar(10)
            );

CREATE OR REPLACE PUMP "Trade_Pump" AS 
   INSERT INTO "Trade_Stream"
      SELECT STREAM "Tid", "Toid", "Tprice", "Tticker", "RecordType"
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  "RecordType" = 'Trade';
--*****************************************************************
--do some analytics on the Trade_Stream and Order_Stream. 
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
            "ticker"  varchar(4),
            "trade_count"   integer
            );

CREATE OR REPLACE PUMP "Output_Pump" AS 
   INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM "ticker", count(*) as trade_count
      FROM   "Trade_Stream"
      GROUP BY "ticker",
                FLOOR("Trade_Stream".ROWTIME TO MINUTE);
