package console_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/console"
)

func TestConsoleFirehoseFailures(t *testing.T) {
	var caller awsproto.Caller
	at := time.UnixMilli(1_700_000_000_123)
	failures := func(c awsproto.Caller, name string) ([]console.FirehoseFailure, error) {
		caller = c
		if name != "orders" {
			return nil, awserr.New(awserr.ResourceNotFoundException, "Firehose %s under account %s not found.", name, c.AccountID)
		}
		return []console.FirehoseFailure{
			{Time: at, ErrorCode: "S3.NoSuchBucket", Message: "The specified bucket does not exist.", Destination: "arn:aws:s3:::b"},
			{Time: at.Add(-time.Second), ErrorCode: "Lambda.FunctionError", Message: "The Lambda function failed.", Processor: "arn:aws:lambda:us-east-1:000000000000:function:f"},
		}, nil
	}
	srv := httptest.NewServer(console.New(console.Options{AccountID: "000000000000", Region: "us-east-1", FirehoseFailures: failures}))
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	if status, _, _ := b.do("GET", "/console/firehose/failures?name=orders", "", nil); status != 401 {
		t.Fatalf("without a session: %d", status)
	}
	b.session()
	status, hdr, body := b.do("GET", "/console/firehose/failures?name=orders", "", nil)
	if status != 200 || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("failures: %d %s", status, body)
	}
	var got struct {
		Failures []struct {
			Time        int64
			ErrorCode   string
			Message     string
			Destination string
			Processor   string
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	f := got.Failures
	if len(f) != 2 || f[0].Time != at.UnixMilli() || f[0].ErrorCode != "S3.NoSuchBucket" || f[0].Message != "The specified bucket does not exist." ||
		f[0].Destination != "arn:aws:s3:::b" || f[1].Processor == "" || caller.AccountID != "000000000000" || caller.Region != "us-east-1" {
		t.Fatalf("failures = %s (caller %+v)", body, caller)
	}
	status, hdr, body = b.do("GET", "/console/firehose/failures?name=missing", "", nil)
	if status != 400 || hdr.Get("X-Amzn-ErrorType") != "ResourceNotFoundException" {
		t.Fatalf("missing delivery stream: %d %s", status, body)
	}
	// A server without Firehose.
	srv2 := httptest.NewServer(console.New(console.Options{AccountID: "000000000000", Region: "us-east-1"}))
	t.Cleanup(srv2.Close)
	b2 := newBrowser(t, srv2.URL)
	b2.session()
	if status, _, _ := b2.do("GET", "/console/firehose/failures?name=orders", "", nil); status != 404 {
		t.Fatalf("without Firehose: %d", status)
	}
}
