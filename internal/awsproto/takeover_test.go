package awsproto_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/awsproto"
)

// TestErrorTakeover: a request's ErrorTakeover sees the cause of an
// operation's error before it is answered; when it answers the request
// itself, the handler writes nothing more; when it declines, the error
// is answered as without it.
func TestErrorTakeover(t *testing.T) {
	h := newTestHandler()
	var seen []error
	serve := func(take bool) *httptest.ResponseRecorder {
		r := signedRequest(t, "Test_20200101.Fail", []byte(`{}`))
		w := httptest.NewRecorder()
		ctx := awsproto.WithErrorTakeover(r.Context(), func(cause error) bool {
			seen = append(seen, cause)
			if take {
				w.WriteHeader(http.StatusTeapot)
			}
			return take
		})
		h.ServeHTTP(w, r.WithContext(ctx))
		return w
	}
	if w := serve(true); w.Code != http.StatusTeapot || w.Body.Len() != 0 {
		t.Fatalf("taken over: %d %q", w.Code, w.Body)
	}
	if w := serve(false); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "ResourceNotFoundException") {
		t.Fatalf("declined: %d %q", w.Code, w.Body)
	}
	if len(seen) != 2 || seen[0] == nil || !strings.Contains(seen[0].Error(), "nothing here") {
		t.Fatalf("causes offered: %v", seen)
	}
}

func signedRequest(t *testing.T, target string, body []byte) *http.Request {
	r := httptest.NewRequest("POST", "http://127.0.0.1:4567/", bytes.NewReader(body))
	r.Header.Set("Content-Type", json11)
	r.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"},
		r, hex.EncodeToString(sum[:]), "kinesis", "eu-west-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return r
}
