#!/usr/bin/env bash
# Re-records the client fixtures (*.http): real clients signing real
# requests, captured byte for byte by ./capture. clients_test.go verifies
# them. Needs go, the AWS CLI (v1, botocore), python3 with botocore, curl,
# node and npm (the JS SDK is installed into a temporary directory, or
# taken from $JS_DIR if set).
set -euo pipefail
cd "$(dirname "$0")"

# Keep in step with clients_test.go.
KEY=AKIDSLUICEFIXTURE
SECRET='fixture/Secret+Key=0123456789'
TOKEN='FixtureSessionToken//+=='

tmp=$(mktemp -d)
trap 'kill $capture 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/capture" ./capture
"$tmp/capture" -dir . -portfile "$tmp/port" &
capture=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
PORT=$(cat "$tmp/port")
URL="http://127.0.0.1:$PORT"
name() { curl -sf "$URL/__name?n=$1" >/dev/null; }

rm -f ./*.http

# AWS CLI (botocore), the way users call Sluice.
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1
cli() { name "$1"; shift; aws --endpoint-url "$URL" "$@" >/dev/null 2>&1 || true; }
cli awscli-kinesis-put-record kinesis put-record --stream-name s --partition-key p --data aGVsbG8=
cli awscli-firehose-put-record firehose put-record --delivery-stream-name d --record Data=aGk=
cli awscli-kinesisanalytics-list-applications kinesisanalytics list-applications
cli awscli-kinesisvideo-describe-stream kinesisvideo describe-stream --stream-name "cam 1"
cli awscli-kinesisvideo-archived-media kinesis-video-archived-media get-hls-streaming-session-url --stream-name cam
AWS_SESSION_TOKEN=$TOKEN cli awscli-kinesis-session-token kinesis list-streams

# AWS CLI v2 (Debian's awscli package), when installed at $AWS_CLI2.
cli2=${AWS_CLI2:-/usr/bin/aws}
if "$cli2" --version 2>/dev/null | grep -q '^aws-cli/2'; then
  cli2() { name "$1"; shift; "$cli2" --endpoint-url "$URL" "$@" >/dev/null 2>&1 || true; }
  cli2 awscli2-kinesis-put-record kinesis put-record --stream-name s --partition-key p --data aGVsbG8=
  AWS_DEFAULT_REGION=eu-west-1 cli2 awscli2-kinesis-describe-stream-summary kinesis describe-stream-summary --stream-name 's 1'
  AWS_SESSION_TOKEN=$TOKEN cli2 awscli2-firehose-session-token firehose list-delivery-streams
fi
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION AWS_MAX_ATTEMPTS

# botocore's signers directly.
python3 botocore_sign.py "$PORT" "$KEY" "$SECRET" "$TOKEN"

# curl --aws-sigv4.
sig=(--aws-sigv4 "aws:amz:us-east-1:kinesis" --user "$KEY:$SECRET" -s -o /dev/null)
name curl-kinesis-put-record
curl "${sig[@]}" "$URL/" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Amz-Target: Kinesis_20131202.PutRecord' -d '{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}'
name curl-odd-headers-query
curl "${sig[@]}" "$URL/?b=2&a=1&sp=a%20b&e=" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Custom:    a    b   c   ' -H 'X-Amz-Target: Kinesis_20131202.ListStreams' -d '{}'
name curl-session-token
curl "${sig[@]}" "$URL/" -H "X-Amz-Security-Token: $TOKEN" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Amz-Target: Kinesis_20131202.ListStreams' -d '{}'

# aws-sdk-go-v2, the module's own version.
go run ./gosign "$PORT" "$KEY" "$SECRET" "$TOKEN"

# The JavaScript SDK v3.
js=${JS_DIR:-}
if [ -z "$js" ]; then
  js=$tmp/js
  mkdir -p "$js"
  cp js/package.json "$js/"
  (cd "$js" && npm install --no-audit --no-fund --silent)
fi
cp js/sign.mjs "$js/sign.mjs"
node "$js/sign.mjs" "$PORT" "$KEY" "$SECRET" "$TOKEN"

ls ./*.http
