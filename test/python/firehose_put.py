"""Smoke test of Sluice's Firehose with boto3 (Debian's python3-boto3).

Creates a DirectPut delivery stream (60 s buffer: older botocore models
refuse less), sends a batch with PutRecordBatch and prints the answer as
JSON. Driven by
internal/api/firehoseapi/boto3_e2e_test.go, which checks the delivered
object. Usage: python3 firehose_put.py ENDPOINT
"""
import json
import sys
import time

import boto3


def main(endpoint):
    fh = boto3.client(
        "firehose",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDBOTO",
        aws_secret_access_key="secret",
    )
    fh.create_delivery_stream(
        DeliveryStreamName="boto",
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::000000000000:role/firehose",
            "BucketARN": "arn:aws:s3:::boto-bucket",
            "Prefix": "py/",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        },
    )
    for _ in range(100):
        status = fh.describe_delivery_stream(DeliveryStreamName="boto")[
            "DeliveryStreamDescription"]["DeliveryStreamStatus"]
        if status == "ACTIVE":
            break
        time.sleep(0.05)
    out = fh.put_record_batch(
        DeliveryStreamName="boto",
        Records=[{"Data": ("record-%d\n" % i).encode()} for i in range(3)],
    )
    print(json.dumps({
        "FailedPutCount": out["FailedPutCount"],
        "RecordIds": [r.get("RecordId") for r in out["RequestResponses"]],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
