package awsproto_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/awsproto/sigv4"
)

// BenchmarkHandler is the wire layer's own cost per request (reading,
// authenticating, answering), with a decoder and handler that do nothing:
// small and 1 MiB bodies, in both auth modes (sigv4 hashes the body).
func BenchmarkHandler(b *testing.B) {
	keys, err := sigv4.ParseKeyring(strings.NewReader(`{"keys":[{"accessKeyId":"AKIDBENCH","secretAccessKey":"s","accountId":"123456789012"}]}`))
	if err != nil {
		b.Fatal(err)
	}
	modes := map[string]awsproto.Authenticator{
		"open":  &awsproto.OpenAuth{AccountID: "000000000000"},
		"sigv4": &awsproto.KeyringAuth{Keys: keys, Now: time.Now},
	}
	// A fast decoder that keeps nothing, so that the body's decoding does
	// not hide the wire layer's costs.
	type in struct{ Data []byte }
	op := awsproto.WithFastJSON(awsproto.Op("Put", shape.Struct(shape.Req("Data", shape.Bytes())), func(_ context.Context, _ *in) (*struct{}, error) {
		return nil, nil
	}), func([]byte) (*in, bool) { return &in{}, true })
	for _, mode := range []string{"open", "sigv4"} {
		h := awsproto.NewHandler(awsproto.HandlerOptions{Auth: modes[mode]}, awsproto.NewService("Test_20200101", "kinesis", op))
		for _, size := range []int{1 << 10, 1 << 20} {
			body := []byte(`{"Data":"` + strings.Repeat("QUJD", size/4) + `"}`)
			r := httptest.NewRequest("POST", "http://127.0.0.1:4567/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			r.Header.Set("X-Amz-Target", "Test_20200101.Put")
			sum := sha256.Sum256(body)
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDBENCH", SecretAccessKey: "s"}, r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
				b.Fatal(err)
			}
			b.Run(mode+"/"+byteSize(size), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(body)))
				for b.Loop() {
					req := r.Clone(context.Background())
					req.Body = io.NopCloser(bytes.NewReader(body))
					w := &nullWriter{header: http.Header{}}
					h.ServeHTTP(w, req)
					if w.status != 200 {
						b.Fatalf("status %d", w.status)
					}
				}
			})
		}
	}
}

func byteSize(n int) string {
	if n >= 1<<20 {
		return "1MiB"
	}
	return "1KiB"
}

type nullWriter struct {
	header http.Header
	status int
}

func (w *nullWriter) Header() http.Header { return w.header }
func (w *nullWriter) WriteHeader(s int)   { w.status = s }
func (w *nullWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	return len(b), nil
}
