// Signs requests with the JavaScript SDK v3 (its clients, and its
// SignatureV4 directly) and sends them to the capture server (record.sh).
import { FirehoseClient, PutRecordCommand as FirehosePutRecord } from "@aws-sdk/client-firehose";
import { KinesisClient, ListStreamsCommand, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { Sha256 } from "@aws-crypto/sha256-js";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

const [port, accessKeyId, secretAccessKey, sessionToken] = process.argv.slice(2);
const endpoint = `http://127.0.0.1:${port}`;
const plain = { accessKeyId, secretAccessKey };
const session = { accessKeyId, secretAccessKey, sessionToken };
const name = async (n) => { await fetch(`${endpoint}/__name?n=${n}`).then((r) => r.text()); };
const handler = new NodeHttpHandler();

// The Kinesis client speaks HTTP/2 by default; the capture server reads
// HTTP/1.1, and signing does not depend on the HTTP version.
const client = (C, credentials, region = "us-east-1") =>
  new C({ region, endpoint, credentials, maxAttempts: 1, requestHandler: handler });

await name("js-kinesis-put-record");
await client(KinesisClient, plain).send(new PutRecordCommand({
  StreamName: "s", PartitionKey: "p", Data: new TextEncoder().encode("hello"),
})).catch(() => {});

await name("js-kinesis-session-token");
await client(KinesisClient, session, "ap-southeast-2").send(new ListStreamsCommand({})).catch(() => {});

await name("js-firehose-put-record");
await client(FirehoseClient, plain).send(new FirehosePutRecord({
  DeliveryStreamName: "d", Record: { Data: new TextEncoder().encode("hi") },
})).catch(() => {});

const signer = (service, credentials = plain) =>
  new SignatureV4({ credentials, region: "us-east-1", service, sha256: Sha256 });
const request = (method, path, query, headers, body) => new HttpRequest({
  method, protocol: "http:", hostname: "127.0.0.1", port: Number(port), path, query,
  headers: { host: `127.0.0.1:${port}`, ...headers }, body,
});

// A path with escapes and dot segments, a decoded query with characters
// that must be encoded, header values with runs of spaces and a tab.
await name("js-path-query-headers");
await handler.handle(await signer("kinesisvideo").sign(request("POST", "/a%20b/c%2Bd/%C3%BC/./x//y/../z",
  { b: "2", a: ["1", "0"], "sp ace": "a b", sl: "a/b", plus: "+", utf: "ü", e: "", star: "*!'()" },
  { "content-type": "application/json", "x-custom": "  a   b    c ", "x-tab": "a\t\tb  c" },
  '{"StreamName":"cam 1"}')));

await name("js-presigned");
await handler.handle(await signer("kinesisvideo").presign(request("GET", "/",
  { "X-Amz-ChannelARN": "arn:aws:kinesisvideo:us-east-1:123456789012:channel/chan/1", "X-Amz-ClientId": "viewer 1" }, {}),
  { expiresIn: 300 }));

await name("js-presigned-token");
await handler.handle(await signer("kinesis", session).presign(request("GET", "/stream/s%201", {}, {}),
  { expiresIn: 60 }));
