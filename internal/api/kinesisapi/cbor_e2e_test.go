package kinesisapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/fxamacker/cbor/v2"

	"sluice/internal/awsproto/eventstream"
	"sluice/internal/testserver"
)

// cborCall sends one CBOR request the way the Java SDK does: indefinite-
// length maps, blobs as byte strings, timestamps as tag 1 + epoch millis.
func cborCall(t *testing.T, srv *testserver.Server, op string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, req, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-cbor-1.1" {
		t.Fatalf("%s answered with %q", op, ct)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		if err := cbor.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: undecodable CBOR %x: %v", op, raw, err)
		}
	}
	return resp.StatusCode, out
}

// indefMap encodes a map as Jackson's CBOR generator does (0xbf … 0xff).
func indefMap(t *testing.T, kv ...any) []byte {
	t.Helper()
	buf := []byte{0xbf}
	for i := 0; i < len(kv); i += 2 {
		k, _ := cbor.Marshal(kv[i])
		v, err := cbor.Marshal(kv[i+1])
		if err != nil {
			t.Fatal(err)
		}
		buf = append(append(buf, k...), v...)
	}
	return append(buf, 0xff)
}

func TestCBORRoundTripThroughKinesis(t *testing.T) {
	srv, c := start(t)
	createStream(t, c, "cbor", 1)
	payload := []byte{0x00, 0xff, 0x10, 'h', 'i'}
	status, put := cborCall(t, srv, "PutRecord", indefMap(t, "StreamName", "cbor", "PartitionKey", "pk", "Data", payload))
	if status != 200 || put["ShardId"] != "shardId-000000000000" {
		t.Fatalf("PutRecord: %d %v", status, put)
	}
	// AT_TIMESTAMP with a tag-1 millisecond timestamp one minute back.
	since := cbor.Tag{Number: 1, Content: time.Now().Add(-time.Minute).UnixMilli()}
	status, it := cborCall(t, srv, "GetShardIterator", indefMap(t, "StreamName", "cbor", "ShardId", "shardId-000000000000", "ShardIteratorType", "AT_TIMESTAMP", "Timestamp", since))
	if status != 200 {
		t.Fatalf("GetShardIterator: %d %v", status, it)
	}
	status, got := cborCall(t, srv, "GetRecords", indefMap(t, "ShardIterator", it["ShardIterator"]))
	if status != 200 {
		t.Fatalf("GetRecords: %d %v", status, got)
	}
	recs, _ := got["Records"].([]any)
	if len(recs) != 1 {
		t.Fatalf("records %v", got)
	}
	rec := recs[0].(map[any]any)
	if data, ok := rec["Data"].([]byte); !ok || !bytes.Equal(data, payload) {
		t.Fatalf("Data came back as %#v, want a byte string", rec["Data"])
	}
	if rec["SequenceNumber"] != put["SequenceNumber"] {
		t.Fatalf("sequence %v != %v", rec["SequenceNumber"], put["SequenceNumber"])
	}
	ts, ok := rec["ApproximateArrivalTimestamp"].(time.Time)
	if !ok {
		t.Fatalf("ApproximateArrivalTimestamp is %#v, want tag 1", rec["ApproximateArrivalTimestamp"])
	}
	// The library reads tag 1 as seconds; the value must be milliseconds.
	if ms := ts.Unix(); time.Since(time.UnixMilli(ms)) > time.Minute {
		t.Fatalf("timestamp %d is not epoch milliseconds of now", ms)
	}
	status, e := cborCall(t, srv, "GetRecords", indefMap(t, "ShardIterator", "bad"))
	if status != 400 || e["__type"] != "InvalidArgumentException" || e["message"] != "Invalid ShardIterator." {
		t.Fatalf("CBOR error: %d %v", status, e)
	}
	status, e = cborCall(t, srv, "PutRecord", indefMap(t, "StreamName", "cbor", "PartitionKey", "pk", "Data", 42))
	if status != 400 || e["__type"] != "SerializationException" {
		t.Fatalf("CBOR type error: %d %v", status, e)
	}
}

// TestCBORSubscribeToShard subscribes the way the Java SDK (and so the KCL)
// does, in CBOR: the events carry CBOR payloads, records' Data as byte
// strings and timestamps as tag 1 with epoch milliseconds.
func TestCBORSubscribeToShard(t *testing.T) {
	srv, c := start(t)
	d := createStream(t, c, "cborefo", 1)
	cons := registerConsumer(t, c, *d.StreamARN, "kcl")
	payload := []byte{0xca, 0xfe}
	c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("cborefo"), PartitionKey: aws.String("k"), Data: payload})

	body := indefMap(t, "ConsumerARN", *cons.ConsumerARN, "ShardId", "shardId-000000000000", "StartingPosition", map[string]any{"Type": "TRIM_HORIZON"})
	req, _ := http.NewRequest("POST", srv.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
	sum := sha256.Sum256(body)
	v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, req, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.amazon.eventstream" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	dec := eventstream.NewDecoder(resp.Body)
	first, err := dec.Decode()
	if err != nil || first.StringHeader(":event-type") != "initial-response" {
		t.Fatalf("first message %+v %v", first.Headers, err)
	}
	msg, err := dec.Decode()
	if err != nil || msg.StringHeader(":event-type") != "SubscribeToShardEvent" || msg.StringHeader(":content-type") != "application/x-amz-cbor-1.1" {
		t.Fatalf("event %+v %v", msg.Headers, err)
	}
	var ev map[string]any
	if err := cbor.Unmarshal(msg.Payload, &ev); err != nil {
		t.Fatalf("event payload is not CBOR: %v", err)
	}
	recs := ev["Records"].([]any)
	rec := recs[0].(map[any]any)
	if data, ok := rec["Data"].([]byte); !ok || !bytes.Equal(data, payload) {
		t.Fatalf("Data %#v", rec["Data"])
	}
	if _, ok := rec["ApproximateArrivalTimestamp"].(time.Time); !ok {
		t.Fatalf("timestamp %#v is not tag 1", rec["ApproximateArrivalTimestamp"])
	}
	if ev["ContinuationSequenceNumber"] != rec["SequenceNumber"] {
		t.Fatalf("continuation %v after %v", ev["ContinuationSequenceNumber"], rec["SequenceNumber"])
	}
}
