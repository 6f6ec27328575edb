// read.mjs reads one shard of a Sluice stream with the AWS SDK for
// JavaScript v3, twice: with GetShardIterator(TRIM_HORIZON) + GetRecords and
// with SubscribeToShard(TRIM_HORIZON) through an enhanced fan-out consumer.
// internal/api/kinesisapi/js_e2e_test.go runs it against a test server.
//
// Parameters come from the environment:
//
//	SLUICE_ENDPOINT      http://127.0.0.1:port
//	SLUICE_REGION        e.g. us-east-1
//	SLUICE_STREAM        stream name
//	SLUICE_SHARD         shard id
//	SLUICE_CONSUMER_ARN  ARN of an ACTIVE stream consumer
//	SLUICE_EXPECT        how many records the shard holds
//	SLUICE_LIMIT         GetRecords Limit (default 10, so reading takes several calls)
//	SLUICE_TIMEOUT_MS    give up after this long (default 30000)
//
// Both reads run at once. Once SubscribeToShard has been answered it says
// "read.mjs: subscribed" on stderr (the test then writes more records). On
// success it prints one JSON object and exits 0:
//
//	{"getRecords":[{"seq":"…","key":"…","data":"<base64>"},…],"subscribe":[…],"events":N}
//
// On any error it prints the error to stderr and exits 1 (2 on timeout).
//
// HTTP/2: the Kinesis client for Node uses @smithy/node-http-handler's
// NodeHttp2Handler for every operation (SubscribeToShard's event stream needs
// HTTP/2). For an http:// endpoint it calls node:http2.connect("http://…"),
// which speaks h2c with prior knowledge, as Sluice serves on its plain port.
// So the client needs no handler of its own: requestHandler below is that
// default handler's options, setting timeouts and keeping the SDK's own choice
// of one HTTP/2 session per request (disableConcurrentStreams).

import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";

function env(name, fallback) {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === "") {
    throw new Error(`${name} is not set`);
  }
  return v;
}

function fail(err, code = 1) {
  const detail = err?.$metadata ? ` (${err.name}, HTTP ${err.$metadata.httpStatusCode})` : "";
  process.stderr.write(`read.mjs: ${err?.stack ?? err}${detail}\n`, () => process.exit(code));
}

function record(r) {
  return { seq: r.SequenceNumber, key: r.PartitionKey, data: Buffer.from(r.Data).toString("base64") };
}

async function viaGetRecords(client, stream, shard, expect, limit, signal) {
  const it = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shard, ShardIteratorType: "TRIM_HORIZON" }),
    { abortSignal: signal },
  );
  let iterator = it.ShardIterator;
  const out = [];
  while (out.length < expect) {
    if (!iterator) {
      throw new Error(`GetRecords: shard closed after ${out.length} of ${expect} records`);
    }
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), { abortSignal: signal });
    if (typeof page.MillisBehindLatest !== "number") {
      throw new Error(`GetRecords: MillisBehindLatest is ${page.MillisBehindLatest}`);
    }
    out.push(...page.Records.map(record));
    iterator = page.NextShardIterator;
    if (page.Records.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return out;
}

async function viaSubscribe(client, consumerARN, shard, expect, signal) {
  const sub = await client.send(
    new SubscribeToShardCommand({ ConsumerARN: consumerARN, ShardId: shard, StartingPosition: { Type: "TRIM_HORIZON" } }),
    { abortSignal: signal },
  );
  process.stderr.write("read.mjs: subscribed\n");
  const out = [];
  let events = 0;
  for await (const ev of sub.EventStream) {
    const e = ev.SubscribeToShardEvent;
    if (!e) {
      const [name, value] = Object.entries(ev)[0] ?? ["(empty)", {}];
      throw new Error(`SubscribeToShard: ${name} event: ${value?.message ?? JSON.stringify(value)}`);
    }
    events++;
    if (e.ContinuationSequenceNumber == null) {
      throw new Error(`SubscribeToShard: event ${events} has no ContinuationSequenceNumber`);
    }
    if (typeof e.MillisBehindLatest !== "number") {
      throw new Error(`SubscribeToShard: event ${events} has MillisBehindLatest ${e.MillisBehindLatest}`);
    }
    out.push(...(e.Records ?? []).map(record));
    if (out.length >= expect) {
      return { records: out, events };
    }
  }
  throw new Error(`SubscribeToShard: the event stream ended after ${out.length} of ${expect} records`);
}

async function main() {
  const endpoint = env("SLUICE_ENDPOINT");
  const region = env("SLUICE_REGION", "us-east-1");
  const stream = env("SLUICE_STREAM");
  const shard = env("SLUICE_SHARD");
  const consumerARN = env("SLUICE_CONSUMER_ARN");
  const expect = Number(env("SLUICE_EXPECT"));
  const limit = Number(env("SLUICE_LIMIT", "10"));
  const timeout = Number(env("SLUICE_TIMEOUT_MS", "30000"));
  if (!Number.isInteger(expect) || expect < 0) {
    throw new Error(`SLUICE_EXPECT ${process.env.SLUICE_EXPECT} is not a count`);
  }

  const timer = setTimeout(() => fail(new Error(`timed out after ${timeout} ms`), 2), timeout);
  const abort = new AbortController();
  const client = new KinesisClient({
    endpoint,
    region,
    credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeout, sessionTimeout: timeout, disableConcurrentStreams: true },
  });
  try {
    const [getRecords, sub] = await Promise.all([
      viaGetRecords(client, stream, shard, expect, limit, abort.signal),
      viaSubscribe(client, consumerARN, shard, expect, abort.signal),
    ]);
    const result = { getRecords, subscribe: sub.records, events: sub.events };
    clearTimeout(timer);
    process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
  } finally {
    abort.abort();
    client.destroy();
  }
}

main().catch((err) => fail(err));
