package kinesisapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/api/kinesisapi"
	"sluice/internal/awsproto"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
)

// benchHandler is the real API over a real store, without the network, so
// that profiles show the server's own costs.
func benchHandler(b *testing.B, sync time.Duration) (http.Handler, *streams.Service) {
	backend, err := embedded.Open(embedded.Options{Dir: b.TempDir(), SyncInterval: sync})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := streams.New(ctx, streams.Config{}, backend)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close(); backend.Close() })
	h := awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000"}}, kinesisapi.New(svc))
	return h, svc
}

func signedRequest(b *testing.B, op string, body []byte) *http.Request {
	r := httptest.NewRequest("POST", "http://127.0.0.1/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return r
}

// signedFactory signs one request and returns a function that replays it
// (a fresh body each time): signing hashes the body, which is the client's
// cost, not the server's, and would dominate the profiles.
func signedFactory(b *testing.B, op string, body []byte) func() *http.Request {
	signed := signedRequest(b, op, body)
	return func() *http.Request {
		r := signed.Clone(ctx)
		r.Body = io.NopCloser(bytes.NewReader(body))
		return r
	}
}

func putRecordsBody(stream string, n, size int) []byte {
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), size))
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"StreamName":%q,"Records":[`, stream)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"PartitionKey":"key-%d","Data":"%s"}`, i, data)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// BenchmarkPutRecordsHandler: one PutRecords of 500 × 1 KiB through the
// whole server path (relaxed sync, so it measures CPU, not the disk).
func BenchmarkPutRecordsHandler(b *testing.B) {
	h, svc := benchHandler(b, time.Second)
	c := streams.Caller{Account: "000000000000", Region: "us-east-1"}
	svc.CreateStream(ctx, c, streams.CreateParams{Name: "b", ShardCount: aws.Int64(4)})
	body := putRecordsBody("b", 500, 1024)
	b.SetBytes(int64(500 * 1024))
	request := signedFactory(b, "PutRecords", body)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := &discardWriter{header: http.Header{}}
		h.ServeHTTP(w, request())
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkGetRecordsHandler: GetRecords of 1,000 × 1 KiB.
func BenchmarkGetRecordsHandler(b *testing.B) {
	h, svc := benchHandler(b, time.Second)
	c := streams.Caller{Account: "000000000000", Region: "us-east-1"}
	svc.CreateStream(ctx, c, streams.CreateParams{Name: "b", ShardCount: aws.Int64(1)})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, signedRequest(b, "PutRecords", putRecordsBody("b", 500, 1024)))
	h.ServeHTTP(w, signedRequest(b, "PutRecords", putRecordsBody("b", 500, 1024)))
	it, err := svc.GetShardIterator(ctx, c, streams.StreamRef{Name: "b"}, streams.IteratorParams{ShardID: "0", Type: streams.TrimHorizon})
	if err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"ShardIterator": it, "Limit": 1000})
	b.SetBytes(int64(1000 * 1024))
	request := signedFactory(b, "GetRecords", body)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := &discardWriter{header: http.Header{}}
		h.ServeHTTP(w, request())
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPutRecordHandler: one PutRecord of 1 KiB.
func BenchmarkPutRecordHandler(b *testing.B) {
	h, svc := benchHandler(b, time.Second)
	c := streams.Caller{Account: "000000000000", Region: "us-east-1"}
	svc.CreateStream(ctx, c, streams.CreateParams{Name: "b", ShardCount: aws.Int64(4)})
	body := []byte(`{"StreamName":"b","PartitionKey":"k","Data":"` + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), 1024)) + `"}`)
	request := signedFactory(b, "PutRecord", body)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := &discardWriter{header: http.Header{}}
		h.ServeHTTP(w, request())
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body, as a socket would take it: a ResponseRecorder's growing buffer
// would be most of what the benchmarks measure.
type discardWriter struct {
	header http.Header
	Code   int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(code int) {
	if w.Code == 0 {
		w.Code = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}
