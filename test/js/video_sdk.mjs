// video_sdk.mjs reads a Sluice video stream with the AWS SDK for JavaScript
// v3's three Kinesis Video Streams clients: the control plane
// (@aws-sdk/client-kinesis-video: DescribeStream, GetDataEndpoint for each
// API), the media API (@aws-sdk/client-kinesis-video-media: GetMedia, which
// the Go SDK has no client for) and archived media
// (@aws-sdk/client-kinesis-video-archived-media: ListFragments,
// GetMediaForFragmentList, GetHLSStreamingSessionURL, whose playlists it
// fetches, GetDASHStreamingSessionURL and GetClip). Every data-plane client
// is made on the endpoint GetDataEndpoint hands out, as applications do.
// internal/api/videoapi/js_video_e2e_test.go puts an MKV into the stream
// first and checks what this prints.
//
// Parameters come from the environment:
//
//	SLUICE_ENDPOINT    http://127.0.0.1:port
//	SLUICE_STREAM      stream name
//	SLUICE_FRAGMENTS   how many fragments the stream holds
//	SLUICE_FROM        producer time (epoch seconds) at or before the first fragment
//	SLUICE_OUT         directory the MKV bodies are written to
//	SLUICE_TIMEOUT_MS  give up after this long (default 30000)
//
// GetMedia from EARLIEST never ends by itself (it waits for fragments yet
// to come), so the body is walked as EBML as it arrives (elements of
// unknown size, the Segment and maybe a Cluster, are entered, others
// skipped whole) and read until SLUICE_FRAGMENTS Tags elements holding
// AWS_KINESISVIDEO_CONTINUATION_TOKEN, which end a chunk, are complete;
// then the request is aborted. On success it prints one JSON object and exits 0; on any error
// it prints the error to stderr and exits 1 (2 on timeout).

import fs from "node:fs";
import path from "node:path";

import { DescribeStreamCommand, GetDataEndpointCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { GetMediaCommand, KinesisVideoMediaClient } from "@aws-sdk/client-kinesis-video-media";
import {
  GetClipCommand,
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  GetMediaForFragmentListCommand,
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from "@aws-sdk/client-kinesis-video-archived-media";

function env(name, fallback) {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === "") {
    throw new Error(`${name} is not set`);
  }
  return v;
}

function fail(err, code = 1) {
  const detail = err?.$metadata ? ` (${err.name}, HTTP ${err.$metadata.httpStatusCode})` : "";
  process.stderr.write(`video_sdk.mjs: ${err?.stack ?? err}${detail}\n`, () => process.exit(code));
}

const endpoint = env("SLUICE_ENDPOINT");
const stream = env("SLUICE_STREAM");
const want = Number(env("SLUICE_FRAGMENTS"));
const from = new Date(Number(env("SLUICE_FROM")) * 1000);
const out = env("SLUICE_OUT");
const timeout = Number(env("SLUICE_TIMEOUT_MS", "30000"));

const base = {
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDJSVIDEO", secretAccessKey: "secret" },
  maxAttempts: 1,
};

// ebmlVint reads an EBML variable-length integer at b[i]: its length, and
// its value with the length marker kept (an ID) or cleared (a size; null
// when every value bit is set: unknown).
function ebmlVint(b, i, keepMarker) {
  if (i >= b.length) return null;
  const first = b[i];
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) throw new Error(`bad EBML vint 0x${first.toString(16)} at ${i}`);
  if (i + len > b.length) return null;
  let v = BigInt(keepMarker ? first : first & (0xff >> len));
  let allOnes = (first & (0xff >> len)) === 0xff >> len;
  for (let k = 1; k < len; k++) {
    v = (v << 8n) | BigInt(b[i + k]);
    if (b[i + k] !== 0xff) allOnes = false;
  }
  return { len, value: !keepMarker && allOnes ? null : v };
}

const ID_TAGS = 0x1254c367n;

// countChunkEnds walks buf from offset pos and returns the new offset and
// how many complete Tags elements holding a continuation token (the end of
// a chunk: header, fragment number Tags, Cluster, these Tags) it passed.
function countChunkEnds(buf, pos) {
  let tags = 0;
  for (;;) {
    const id = ebmlVint(buf, pos, true);
    if (!id) break;
    const size = ebmlVint(buf, pos + id.len, false);
    if (!size) break;
    const body = pos + id.len + size.len;
    if (size.value === null) {
      pos = body; // Segment or Cluster of unknown size: its children follow
      continue;
    }
    const end = body + Number(size.value);
    if (end > buf.length) break;
    if (id.value === ID_TAGS && buf.subarray(body, end).includes("AWS_KINESISVIDEO_CONTINUATION_TOKEN")) tags++;
    pos = end;
  }
  return { pos, tags };
}

async function dataEndpoint(kv, api) {
  const r = await kv.send(new GetDataEndpointCommand({ StreamName: stream, APIName: api }));
  return r.DataEndpoint;
}

async function getMedia(kv, signal) {
  const ep = await dataEndpoint(kv, "GET_MEDIA");
  const media = new KinesisVideoMediaClient({ ...base, endpoint: ep });
  const abort = new AbortController();
  signal.addEventListener("abort", () => abort.abort());
  const r = await media.send(
    new GetMediaCommand({ StreamName: stream, StartSelector: { StartSelectorType: "EARLIEST" } }),
    { abortSignal: abort.signal },
  );
  const parts = [];
  let buf = Buffer.alloc(0);
  let pos = 0;
  let seen = 0;
  try {
    for await (const part of r.Payload) {
      parts.push(part);
      buf = Buffer.concat([buf, part]);
      const walked = countChunkEnds(buf, pos);
      pos = walked.pos;
      seen += walked.tags;
      if (seen >= want) break;
    }
  } finally {
    abort.abort();
    r.Payload.destroy?.();
  }
  if (seen < want) throw new Error(`GetMedia ended after ${seen} fragments, want ${want}`);
  const file = path.join(out, "getmedia.mkv");
  fs.writeFileSync(file, buf.subarray(0, pos));
  return { contentType: r.ContentType, file, fragments: seen };
}

async function archived(kv, signal) {
  const am = new KinesisVideoArchivedMediaClient({ ...base, endpoint: await dataEndpoint(kv, "LIST_FRAGMENTS") });
  const to = new Date(from.getTime() + 3600 * 1000);
  const fragments = [];
  let token;
  do {
    const r = await am.send(
      new ListFragmentsCommand({
        StreamName: stream,
        MaxResults: 2, // so paging is exercised
        NextToken: token,
        FragmentSelector: token
          ? undefined
          : { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: { StartTimestamp: from, EndTimestamp: to } },
      }),
      { abortSignal: signal },
    );
    fragments.push(...r.Fragments);
    token = r.NextToken;
  } while (token);
  fragments.sort((a, b) => (BigInt(a.FragmentNumber) < BigInt(b.FragmentNumber) ? -1 : 1));

  const listClient = new KinesisVideoArchivedMediaClient({ ...base, endpoint: await dataEndpoint(kv, "GET_MEDIA_FOR_FRAGMENT_LIST") });
  const list = await listClient.send(
    new GetMediaForFragmentListCommand({ StreamName: stream, Fragments: fragments.map((f) => f.FragmentNumber) }),
    { abortSignal: signal },
  );
  const listFile = path.join(out, "fragmentlist.mkv");
  fs.writeFileSync(listFile, await list.Payload.transformToByteArray());

  const hlsClient = new KinesisVideoArchivedMediaClient({ ...base, endpoint: await dataEndpoint(kv, "GET_HLS_STREAMING_SESSION_URL") });
  const hls = await hlsClient.send(
    new GetHLSStreamingSessionURLCommand({
      StreamName: stream,
      PlaybackMode: "ON_DEMAND",
      ContainerFormat: "FRAGMENTED_MP4",
      HLSFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: { StartTimestamp: from, EndTimestamp: to } },
      Expires: 600,
    }),
    { abortSignal: signal },
  );
  const masterURL = hls.HLSStreamingSessionURL;
  const master = await (await fetch(masterURL, { signal })).text();
  const mediaLine = master.split("\n").find((l) => l && !l.startsWith("#"));
  if (!mediaLine) throw new Error(`HLS master playlist without a media playlist:\n${master}`);
  const media = await (await fetch(new URL(mediaLine, masterURL), { signal })).text();

  const dashClient = new KinesisVideoArchivedMediaClient({ ...base, endpoint: await dataEndpoint(kv, "GET_DASH_STREAMING_SESSION_URL") });
  const dash = await dashClient.send(
    new GetDASHStreamingSessionURLCommand({
      StreamName: stream,
      PlaybackMode: "ON_DEMAND",
      DASHFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: { StartTimestamp: from, EndTimestamp: to } },
    }),
    { abortSignal: signal },
  );
  const mpd = await (await fetch(dash.DASHStreamingSessionURL, { signal })).text();

  const clipClient = new KinesisVideoArchivedMediaClient({ ...base, endpoint: await dataEndpoint(kv, "GET_CLIP") });
  const clip = await clipClient.send(
    new GetClipCommand({
      StreamName: stream,
      ClipFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: { StartTimestamp: from, EndTimestamp: to } },
    }),
    { abortSignal: signal },
  );
  const clipFile = path.join(out, "clip.mp4");
  fs.writeFileSync(clipFile, await clip.Payload.transformToByteArray());

  return {
    fragments: fragments.map((f) => ({
      number: f.FragmentNumber,
      size: f.FragmentSizeInBytes,
      producer: f.ProducerTimestamp.getTime(),
      server: f.ServerTimestamp.getTime(),
      millis: f.FragmentLengthInMilliseconds,
    })),
    fragmentList: { contentType: list.ContentType, file: listFile },
    hls: { url: masterURL, master, media },
    dash: { url: dash.DASHStreamingSessionURL, mpd },
    clip: { contentType: clip.ContentType, file: clipFile },
  };
}

// missing asks for a stream that does not exist and returns the error's
// name and HTTP status as the client parsed them.
async function missing(client, command, signal) {
  try {
    await client.send(command, { abortSignal: signal });
  } catch (err) {
    return [err.name, err.$metadata?.httpStatusCode];
  }
  throw new Error(`${command.constructor.name} of a missing stream succeeded`);
}

async function errors(kv, signal) {
  const media = new KinesisVideoMediaClient({ ...base, endpoint: await dataEndpoint(kv, "GET_MEDIA") });
  const am = new KinesisVideoArchivedMediaClient({ ...base, endpoint: await dataEndpoint(kv, "LIST_FRAGMENTS") });
  const name = "js-missing";
  return {
    getMedia: await missing(media, new GetMediaCommand({ StreamName: name, StartSelector: { StartSelectorType: "EARLIEST" } }), signal),
    listFragments: await missing(am, new ListFragmentsCommand({ StreamName: name }), signal),
    getMediaForFragmentList: await missing(
      am,
      new GetMediaForFragmentListCommand({ StreamName: name, Fragments: ["91343852333181432392682062607743920146264380743"] }),
      signal,
    ),
  };
}

async function main() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const kv = new KinesisVideoClient({ ...base, endpoint });
  const info = (await kv.send(new DescribeStreamCommand({ StreamName: stream }), { abortSignal: controller.signal })).StreamInfo;
  let result;
  try {
    result = {
      status: info.Status,
      arn: info.StreamARN,
      getMedia: await getMedia(kv, controller.signal),
      ...(await archived(kv, controller.signal)),
      errors: await errors(kv, controller.signal),
    };
  } catch (err) {
    if (controller.signal.aborted) fail(new Error(`timed out after ${timeout} ms: ${err?.message ?? err}`), 2);
    else fail(err);
    return;
  }
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
}

main().catch((err) => fail(err));
