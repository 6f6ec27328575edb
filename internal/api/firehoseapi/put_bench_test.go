package firehoseapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/api/firehoseapi"
	"sluice/internal/awsproto"
	"sluice/internal/firehose"
	"sluice/internal/kms"
	"sluice/internal/objectstore"
	"sluice/internal/storage/embedded"
)

// PutRecordBatch through the whole handler path without the network, on a
// real store with relaxed sync (so that it measures CPU, not the disk),
// plain and with server-side encryption: what sealing 500 records costs.
//
//	go test ./internal/api/firehoseapi/ -run '^$' -bench 'PutRecordBatchHandler' -count 6

func putBatchHandler(b *testing.B, encrypted bool) http.Handler {
	dir := b.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data"), SyncInterval: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	svc, err := firehose.New(ctx, firehose.Config{Store: &objectstore.Dir{Root: filepath.Join(dir, "s3")}, Keys: keys}, backend)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close(); backend.Close() })
	c := firehose.Caller{Account: "000000000000", Region: "us-east-1"}
	// A long interval: the deliverer stays out of the measurement.
	if _, err := svc.CreateDeliveryStream(ctx, c, firehose.CreateParams{Name: "b", S3: &firehose.S3Destination{BucketARN: "arn:aws:s3:::b", SizeInMBs: 128, IntervalInSeconds: 900}}); err != nil {
		b.Fatal(err)
	}
	if encrypted {
		if err := svc.StartEncryption(ctx, c, "b", &firehose.Encryption{KeyType: firehose.KeyAWSOwned}); err != nil {
			b.Fatal(err)
		}
	}
	return awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000"}}, firehoseapi.New(svc))
}

func putBatchBody(n, size int) []byte {
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), size))
	var buf bytes.Buffer
	buf.WriteString(`{"DeliveryStreamName":"b","Records":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"Data":"%s"}`, data)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

func benchPutBatch(b *testing.B, encrypted bool) {
	h := putBatchHandler(b, encrypted)
	body := putBatchBody(500, 1024)
	r := httptest.NewRequest("POST", "http://127.0.0.1/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "Firehose_20150804.PutRecordBatch")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, r, hex.EncodeToString(sum[:]), "firehose", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(500 * 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		req := r.Clone(context.Background())
		req.Body = io.NopCloser(bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 || (encrypted && !bytes.Contains(w.Body.Bytes(), []byte(`"Encrypted":true`))) {
			b.Fatalf("status %d: %s", w.Code, w.Body.Bytes()[:min(200, w.Body.Len())])
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPutRecordBatchHandler: one PutRecordBatch of 500 × 1 KiB.
func BenchmarkPutRecordBatchHandler(b *testing.B) { benchPutBatch(b, false) }

// BenchmarkPutRecordBatchHandlerEncrypted: the same, encrypted.
func BenchmarkPutRecordBatchHandlerEncrypted(b *testing.B) { benchPutBatch(b, true) }
