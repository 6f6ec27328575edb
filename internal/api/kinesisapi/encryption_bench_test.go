package kinesisapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sluice/internal/api/kinesisapi"
	"sluice/internal/awsproto"
	"sluice/internal/kms"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
)

// encryptedHandler is benchHandler with a stream "b" of the given shards,
// encrypted with alias/aws/kinesis of a key file.
func encryptedHandler(b *testing.B, shards int64) (http.Handler, *streams.Service) {
	dir := b.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data"), SyncInterval: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := streams.New(ctx, streams.Config{Keys: keys}, backend)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close(); backend.Close() })
	c := streams.Caller{Account: "000000000000", Region: "us-east-1"}
	svc.CreateStream(ctx, c, streams.CreateParams{Name: "b", ShardCount: aws.Int64(shards)})
	if err := svc.SetEncryption(ctx, c, streams.StreamRef{Name: "b"}, streams.EncryptionKMS, "alias/aws/kinesis", true); err != nil {
		b.Fatal(err)
	}
	h := awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000"}}, kinesisapi.New(svc))
	return h, svc
}

// BenchmarkPutRecordsHandlerEncrypted is BenchmarkPutRecordsHandler on an
// encrypted stream: what sealing 500 × 1 KiB costs.
func BenchmarkPutRecordsHandlerEncrypted(b *testing.B) {
	h, _ := encryptedHandler(b, 4)
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

// BenchmarkGetRecordsHandlerEncrypted is BenchmarkGetRecordsHandler on an
// encrypted stream: what opening 1,000 × 1 KiB costs.
func BenchmarkGetRecordsHandlerEncrypted(b *testing.B) {
	h, svc := encryptedHandler(b, 1)
	c := streams.Caller{Account: "000000000000", Region: "us-east-1"}
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
