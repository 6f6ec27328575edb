"""Smoke test of Sluice's Kinesis Video Streams control plane with boto3
(Debian's python3-boto3).

Creates a stream, describes and lists it, updates it with its version (and
once with a stale one), tags it, asks for its data endpoint, creates and
describes a signaling channel, deletes both, and prints what it saw as
JSON. Driven by internal/api/videoapi/boto3_e2e_test.go, which checks it.
Usage: python3 video_control.py ENDPOINT
"""
import json
import sys

import boto3
import botocore


def main(endpoint):
    kv = boto3.client(
        "kinesisvideo",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDBOTO",
        aws_secret_access_key="secret",
    )
    out = {}
    arn = kv.create_stream(StreamName="boto-cam", MediaType="video/h264", DataRetentionInHours=2, Tags={"lang": "python"})["StreamARN"]
    info = kv.describe_stream(StreamARN=arn)["StreamInfo"]
    out["status"] = info["Status"]
    out["retention"] = info["DataRetentionInHours"]
    out["names"] = [s["StreamName"] for s in kv.list_streams(StreamNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "boto"})["StreamInfoList"]]
    try:
        kv.update_stream(StreamName="boto-cam", CurrentVersion="stale", DeviceName="d")
    except botocore.exceptions.ClientError as e:
        out["stale"] = e.response["Error"]["Code"]
    kv.update_stream(StreamName="boto-cam", CurrentVersion=info["Version"], DeviceName="door")
    out["device"] = kv.describe_stream(StreamName="boto-cam")["StreamInfo"]["DeviceName"]
    kv.tag_stream(StreamARN=arn, Tags={"site": "home"})
    out["tags"] = kv.list_tags_for_stream(StreamName="boto-cam")["Tags"]
    out["endpoint"] = kv.get_data_endpoint(StreamName="boto-cam", APIName="GET_MEDIA")["DataEndpoint"]
    try:
        kv.describe_stream(StreamName="missing")
    except botocore.exceptions.ClientError as e:
        out["missing"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    ch = kv.create_signaling_channel(ChannelName="boto-channel")["ChannelARN"]
    out["channel"] = kv.describe_signaling_channel(ChannelARN=ch)["ChannelInfo"]["ChannelStatus"]
    kv.delete_signaling_channel(ChannelARN=ch)
    kv.delete_stream(StreamARN=arn)
    out["after"] = [s["StreamName"] for s in kv.list_streams()["StreamInfoList"]]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
