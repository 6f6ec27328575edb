"""Sluice's HTTP endpoint destination driven by boto3 (Debian's python3-boto3).

Creates a delivery stream to the HTTP endpoint URL given (with an access
key, a common attribute and GZIP content encoding), describes it, sends a
batch with PutRecordBatch and prints what the description and the answer
said as JSON. Driven by internal/api/firehoseapi/boto3_e2e_test.go, which
checks what the endpoint received. Usage:
python3 firehose_http.py ENDPOINT URL
"""
import json
import sys
import time

import boto3


def main(endpoint, url):
    fh = boto3.client(
        "firehose",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDBOTO",
        aws_secret_access_key="secret",
    )
    fh.create_delivery_stream(
        DeliveryStreamName="boto-http",
        DeliveryStreamType="DirectPut",
        HttpEndpointDestinationConfiguration={
            "EndpointConfiguration": {"Url": url, "Name": "collector", "AccessKey": "boto-key"},
            "RequestConfiguration": {
                "ContentEncoding": "GZIP",
                "CommonAttributes": [{"AttributeName": "team", "AttributeValue": "py"}],
            },
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
            "RetryOptions": {"DurationInSeconds": 0},
            "S3BackupMode": "FailedDataOnly",
            "S3Configuration": {
                "RoleARN": "arn:aws:iam::000000000000:role/firehose",
                "BucketARN": "arn:aws:s3:::boto-backup",
            },
        },
    )
    for _ in range(100):
        desc = fh.describe_delivery_stream(DeliveryStreamName="boto-http")["DeliveryStreamDescription"]
        if desc["DeliveryStreamStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    dest = desc["Destinations"][0]["HttpEndpointDestinationDescription"]
    out = fh.put_record_batch(
        DeliveryStreamName="boto-http",
        Records=[{"Data": ("event-%d" % i).encode()} for i in range(3)],
    )
    print(json.dumps({
        "Url": dest["EndpointConfiguration"]["Url"],
        "HasAccessKey": "AccessKey" in dest["EndpointConfiguration"],
        "ContentEncoding": dest["RequestConfiguration"]["ContentEncoding"],
        "FailedPutCount": out["FailedPutCount"],
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
