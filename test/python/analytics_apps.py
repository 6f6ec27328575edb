"""Smoke test of Sluice's Data Analytics with boto3 (Debian's python3-boto3).

Creates a data stream, then an application through the v1 API
(kinesisanalytics) reading it, describes and lists it, tags it, deletes
it; creates a SQL-1_0 application through v2 (kinesisanalyticsv2),
describes it and deletes it; and prints what it saw as JSON. Driven by
internal/api/analyticsapi/boto3_e2e_test.go, which checks it.
Usage: python3 analytics_apps.py ENDPOINT
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
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDBOTO",
        aws_secret_access_key="secret",
    )


def schema():
    return {
        "RecordFormat": {
            "RecordFormatType": "JSON",
            "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}},
        },
        "RecordEncoding": "UTF-8",
        "RecordColumns": [
            {"Name": "TICKER", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker"},
            {"Name": "PRICE", "SqlType": "DOUBLE", "Mapping": "$.price"},
        ],
    }


def main(endpoint):
    kinesis = client("kinesis", endpoint)
    kinesis.create_stream(StreamName="boto-in", ShardCount=1)
    for _ in range(100):
        desc = kinesis.describe_stream(StreamName="boto-in")["StreamDescription"]
        if desc["StreamStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    stream = desc["StreamARN"]
    out = {}

    ka = client("kinesisanalytics", endpoint)
    created = ka.create_application(
        ApplicationName="boto-app",
        ApplicationDescription="from boto3",
        ApplicationCode=CODE,
        Inputs=[{
            "NamePrefix": "SOURCE_SQL_STREAM",
            "KinesisStreamsInput": {"ResourceARN": stream, "RoleARN": ROLE},
            "InputSchema": schema(),
        }],
        Tags=[{"Key": "lang", "Value": "python"}],
    )
    out["summary"] = created["ApplicationSummary"]
    detail = ka.describe_application(ApplicationName="boto-app")["ApplicationDetail"]
    out["version"] = detail["ApplicationVersionId"]
    out["inputId"] = detail["InputDescriptions"][0]["InputId"]
    out["streams"] = detail["InputDescriptions"][0]["InAppStreamNames"]
    out["code"] = detail["ApplicationCode"] == CODE
    out["names"] = [a["ApplicationName"] for a in ka.list_applications()["ApplicationSummaries"]]
    out["tags"] = ka.list_tags_for_resource(ResourceARN=detail["ApplicationARN"])["Tags"]
    try:
        ka.update_application(
            ApplicationName="boto-app", CurrentApplicationVersionId=9,
            ApplicationUpdate={"ApplicationCodeUpdate": CODE})
    except ka.exceptions.ConcurrentModificationException as e:
        out["stale"] = e.response["Error"]["Code"]
    ka.delete_application(ApplicationName="boto-app", CreateTimestamp=detail["CreateTimestamp"])
    out["afterDelete"] = [a["ApplicationName"] for a in ka.list_applications()["ApplicationSummaries"]]

    v2 = client("kinesisanalyticsv2", endpoint)
    app = v2.create_application(
        ApplicationName="boto-v2",
        RuntimeEnvironment="SQL-1_0",
        ServiceExecutionRole=ROLE,
        ApplicationConfiguration={
            "SqlApplicationConfiguration": {"Inputs": [{
                "NamePrefix": "SOURCE_SQL_STREAM",
                "KinesisStreamsInput": {"ResourceARN": stream},
                "InputSchema": schema(),
            }]},
            "ApplicationCodeConfiguration": {"CodeContentType": "PLAINTEXT", "CodeContent": {"TextContent": CODE}},
        },
    )["ApplicationDetail"]
    out["v2"] = {"status": app["ApplicationStatus"], "runtime": app["RuntimeEnvironment"], "version": app["ApplicationVersionId"]}
    try:
        v2.create_application(ApplicationName="flink", RuntimeEnvironment="FLINK-1_15", ServiceExecutionRole=ROLE)
    except v2.exceptions.InvalidArgumentException as e:
        out["flink"] = e.response["Error"]["Message"]
    v2.delete_application(ApplicationName="boto-v2", CreateTimestamp=app["CreateTimestamp"])
    out["v2AfterDelete"] = [a["ApplicationName"] for a in v2.list_applications()["ApplicationSummaries"]]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
