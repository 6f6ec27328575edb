"""A Data Analytics application run end to end with boto3.

Creates a source and a destination data stream, an application (v1 API)
that keeps the records whose price is above 1 and writes them as JSON to
the destination, starts it from TRIM_HORIZON, puts records, reads the
destination, stops it, puts more records while it is stopped, starts it
again from LAST_STOPPED_POINT and reads what it adds; prints what it read
as JSON. Driven by internal/api/analyticsapi/boto3_e2e_test.go, which
checks it. Usage: python3 analytics_run.py ENDPOINT
"""
import json
import sys
import time

import boto3

ROLE = "arn:aws:iam::000000000000:role/analytics"
CODE = """CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM "TICKER", "PRICE" FROM "SOURCE_SQL_STREAM_001" WHERE "PRICE" > 1;
"""


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDBOTO", aws_secret_access_key="secret")


def wait(check, what, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + what)


def stream(kinesis, name):
    kinesis.create_stream(StreamName=name, ShardCount=1)
    return wait(lambda: (lambda d: d["StreamARN"] if d["StreamStatus"] == "ACTIVE" else None)(
        kinesis.describe_stream(StreamName=name)["StreamDescription"]), name + " ACTIVE")


def put(kinesis, records):
    for ticker, price in records:
        kinesis.put_record(StreamName="run-src", PartitionKey=ticker,
                           Data=json.dumps({"ticker": ticker, "price": price}).encode())


def status(ka):
    return ka.describe_application(ApplicationName="run-app")["ApplicationDetail"]["ApplicationStatus"]


def main(endpoint):
    kinesis = client("kinesis", endpoint)
    src, dst = stream(kinesis, "run-src"), stream(kinesis, "run-dst")
    ka = client("kinesisanalytics", endpoint)
    ka.create_application(
        ApplicationName="run-app",
        ApplicationCode=CODE,
        Inputs=[{
            "NamePrefix": "SOURCE_SQL_STREAM",
            "KinesisStreamsInput": {"ResourceARN": src, "RoleARN": ROLE},
            "InputSchema": {
                "RecordFormat": {"RecordFormatType": "JSON",
                                 "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
                "RecordEncoding": "UTF-8",
                "RecordColumns": [
                    {"Name": "TICKER", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker"},
                    {"Name": "PRICE", "SqlType": "DOUBLE", "Mapping": "$.price"},
                ],
            },
        }],
        Outputs=[{
            "Name": "DESTINATION_SQL_STREAM",
            "KinesisStreamsOutput": {"ResourceARN": dst, "RoleARN": ROLE},
            "DestinationSchema": {"RecordFormatType": "JSON"},
        }],
    )
    input_id = ka.describe_application(ApplicationName="run-app")["ApplicationDetail"]["InputDescriptions"][0]["InputId"]

    def start(position):
        ka.start_application(ApplicationName="run-app", InputConfigurations=[{
            "Id": input_id, "InputStartingPositionConfiguration": {"InputStartingPosition": position}}])
        wait(lambda: status(ka) == "RUNNING", "RUNNING")

    it = kinesis.get_shard_iterator(StreamName="run-dst", ShardId="shardId-000000000000",
                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    read = []

    def read_until(n):
        nonlocal it
        def more():
            nonlocal it
            page = kinesis.get_records(ShardIterator=it)
            it = page["NextShardIterator"]
            read.extend(json.loads(r["Data"]) for r in page["Records"])
            return len(read) >= n
        wait(more, "%d output records" % n)

    put(kinesis, [("AAA", 0.5), ("BBB", 2.0), ("CCC", 3.5), ("DDD", 0.1), ("EEE", 5.0)])
    start("TRIM_HORIZON")
    read_until(3)
    first = list(read)

    ka.stop_application(ApplicationName="run-app")
    wait(lambda: status(ka) == "READY", "READY")
    put(kinesis, [("FFF", 7.0), ("GGG", 0.2)])
    start("LAST_STOPPED_POINT")
    read_until(4)
    time.sleep(0.5)  # anything repeated would show up by now
    read_until(4)
    print(json.dumps({"first": first, "all": read, "status": status(ka)}))


if __name__ == "__main__":
    main(sys.argv[1])
