"""Reads a Sluice video stream back with boto3 (Debian's python3-boto3): the
media API (kinesis-video-media GetMedia) and archived media
(kinesis-video-archived-media ListFragments, GetMediaForFragmentList,
GetHLSStreamingSessionURL and the playlists and init segment it leads to,
GetDASHStreamingSessionURL and its manifest, GetClip, GetImages), each client
made on the endpoint GetDataEndpoint hands out for its API, as applications
do; and a missing stream's error through each data-plane client.

internal/api/videoapi/boto3_media_e2e_test.go puts an MKV into the stream
first and checks what this prints (one JSON object); the MKV bodies are
saved in OUTDIR for it to parse.

GetMedia from EARLIEST never ends by itself (it waits for fragments yet to
come), so its body is walked as EBML, reading exactly one element at a time
(elements of unknown size, the Segment and maybe a Cluster, are entered,
others read whole), until FRAGMENTS Tags elements holding a continuation
token, which end a chunk, are complete.

Usage: python3 video_media.py ENDPOINT STREAM FRAGMENTS OUTDIR
"""
import datetime
import json
import os
import sys
import urllib.parse
import urllib.request

import boto3
import botocore

ID_TAGS = 0x1254C367
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
FRAGMENT_TAG = b"AWS_KINESISVIDEO_FRAGMENT_NUMBER"
TOKEN_TAG = b"AWS_KINESISVIDEO_CONTINUATION_TOKEN"


def read_exact(body, n):
    buf = b""
    while len(buf) < n:
        b = body.read(n - len(buf))
        if not b:
            raise EOFError("GetMedia body ended after %d of %d bytes" % (len(buf), n))
        buf += b
    return buf


def read_vint(body, keep_marker):
    """Reads an EBML variable-length integer: its bytes, and its value with
    the length marker kept (an ID) or cleared (a size; None when unknown)."""
    first = read_exact(body, 1)
    length = 9 - first[0].bit_length()
    if length > 8:
        raise ValueError("bad EBML vint %#x" % first[0])
    raw = first + read_exact(body, length - 1)
    mask = 0xFF >> length
    value = first[0] if keep_marker else first[0] & mask
    for b in raw[1:]:
        value = value << 8 | b
    if not keep_marker and value == (1 << (7 * length)) - 1:
        value = None
    return raw, value


def read_fragments(body, want):
    """Reads GetMedia's body until want chunks are complete."""
    out = b""
    seen = 0
    while seen < want:
        raw_id, eid = read_vint(body, True)
        raw_size, size = read_vint(body, False)
        out += raw_id + raw_size
        if size is None:
            continue  # Segment or Cluster of unknown size: its children follow
        data = read_exact(body, size)
        out += data
        if eid == ID_TAGS and TOKEN_TAG in data:
            seen += 1
    return out


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.headers.get("Content-Type"), r.read()


def main(endpoint, stream, want, outdir):
    keys = dict(region_name="us-east-1", aws_access_key_id="AKIDBOTO", aws_secret_access_key="secret")
    kv = boto3.client("kinesisvideo", endpoint_url=endpoint, **keys)

    def client(service, api):
        ep = kv.get_data_endpoint(StreamName=stream, APIName=api)["DataEndpoint"]
        return boto3.client(service, endpoint_url=ep, **keys)

    def save(name, data):
        path = os.path.join(outdir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    out = {}
    start = datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc)
    end = start + datetime.timedelta(hours=1)
    rng = {"StartTimestamp": start, "EndTimestamp": end}

    media = client("kinesis-video-media", "GET_MEDIA")
    r = media.get_media(StreamName=stream, StartSelector={"StartSelectorType": "EARLIEST"})
    body = r["Payload"]
    try:
        data = read_fragments(body, want)
    finally:
        body.close()
    out["get_media"] = {"content_type": r["ContentType"], "file": save("getmedia.mkv", data)}

    am = client("kinesis-video-archived-media", "LIST_FRAGMENTS")
    pages = am.get_paginator("list_fragments").paginate(
        StreamName=stream,
        FragmentSelector={"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": rng},
        PaginationConfig={"PageSize": 3},
    )
    fragments = []
    npages = 0
    for page in pages:
        npages += 1
        fragments += page["Fragments"]
    fragments.sort(key=lambda f: int(f["FragmentNumber"]))
    out["list_pages"] = npages
    out["fragments"] = [
        {
            "number": f["FragmentNumber"],
            "size": f["FragmentSizeInBytes"],
            "producer_ms": round(f["ProducerTimestamp"].timestamp() * 1000),
            "length_ms": f["FragmentLengthInMilliseconds"],
        }
        for f in fragments
    ]

    numbers = [f["FragmentNumber"] for f in fragments]
    r = client("kinesis-video-archived-media", "GET_MEDIA_FOR_FRAGMENT_LIST").get_media_for_fragment_list(StreamName=stream, Fragments=numbers)
    data = r["Payload"].read()
    out["fragment_list"] = {
        "content_type": r["ContentType"],
        "ebml": data.startswith(EBML_MAGIC),
        "tags": data.count(FRAGMENT_TAG),
        "numbers": all(n.encode() in data for n in numbers),
        "file": save("fragmentlist.mkv", data),
    }

    url = client("kinesis-video-archived-media", "GET_HLS_STREAMING_SESSION_URL").get_hls_streaming_session_url(
        StreamName=stream,
        PlaybackMode="ON_DEMAND",
        ContainerFormat="FRAGMENTED_MP4",
        HLSFragmentSelector={"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": rng},
        Expires=300,
    )["HLSStreamingSessionURL"]
    status, ctype, master = fetch(url)
    master = master.decode()
    media_url = urllib.parse.urljoin(url, next(line for line in master.splitlines() if line and not line.startswith("#")))
    _, _, playlist = fetch(media_url)
    playlist = playlist.decode()
    init = next(line for line in playlist.splitlines() if line.startswith("#EXT-X-MAP:")).split('URI="')[1].rstrip('"')
    _, _, init = fetch(urllib.parse.urljoin(media_url, init))
    segment = next(line for line in playlist.splitlines() if line and not line.startswith("#"))
    _, seg_type, segment = fetch(urllib.parse.urljoin(media_url, segment))
    out["hls"] = {
        "url": url,
        "status": status,
        "content_type": ctype,
        "master": master,
        "extinf": playlist.count("#EXTINF:"),
        "endlist": "#EXT-X-ENDLIST" in playlist,
        "init": init[4:8].decode("latin-1"),
        "segment_type": seg_type,
        "segment": segment[4:8].decode("latin-1"),
    }

    url = client("kinesis-video-archived-media", "GET_DASH_STREAMING_SESSION_URL").get_dash_streaming_session_url(
        StreamName=stream,
        PlaybackMode="ON_DEMAND",
        DASHFragmentSelector={"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": rng},
    )["DASHStreamingSessionURL"]
    _, ctype, mpd = fetch(url)
    out["dash"] = {"url": url, "content_type": ctype, "mpd": "<MPD" in mpd.decode()}

    r = client("kinesis-video-archived-media", "GET_CLIP").get_clip(
        StreamName=stream, ClipFragmentSelector={"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": rng}
    )
    data = r["Payload"].read()
    out["clip"] = {"content_type": r["ContentType"], "box": data[4:8].decode("latin-1"), "file": save("clip.mp4", data)}

    images = client("kinesis-video-archived-media", "GET_IMAGES")
    # JPEGs every 3 s (the least interval Debian's botocore allows; AWS took
    # it down to 200 ms later) from +1 s to +4 s of producer time, base64, so
    # they start "/9j/"; or NotImplementedException from a server without
    # ffmpeg. Whole seconds: Debian's botocore sends timestamps as whole
    # epoch seconds (int(timegm(...))), so it would ask for 1700000000.250
    # as 1700000000, before the first frame.
    first = start + datetime.timedelta(seconds=1)
    try:
        r = images.get_images(
            StreamName=stream,
            ImageSelectorType="PRODUCER_TIMESTAMP",
            StartTimestamp=first,
            EndTimestamp=first + datetime.timedelta(seconds=3),
            SamplingInterval=3000,
            Format="JPEG",
            WidthPixels=80,
            HeightPixels=60,
        )
        out["images"] = [[im["TimeStamp"].timestamp(), im.get("Error"), im.get("ImageContent", "")[:4]] for im in r["Images"]]
    except botocore.exceptions.ClientError as e:
        out["images"] = e.response["Error"]["Code"]

    def error(call, **kw):
        try:
            call(StreamName="boto-missing", **kw)
        except botocore.exceptions.ClientError as e:
            return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
        return None

    out["errors"] = {
        "get_media": error(media.get_media, StartSelector={"StartSelectorType": "EARLIEST"}),
        "list_fragments": error(am.list_fragments),
        "get_clip": error(am.get_clip, ClipFragmentSelector={"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": rng}),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
