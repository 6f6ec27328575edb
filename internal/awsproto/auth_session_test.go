package awsproto_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/identity"
)

// TestSessionCredentials: a request signed with temporary credentials is
// the session's principal until its expiry, then ExpiredTokenException;
// a token under another key ID, or none, is refused.
func TestSessionCredentials(t *testing.T) {
	dir, err := identity.Load(strings.NewReader(`{"keys":[{"accessKeyId":"AKIDROOT","secretAccessKey":"s","accountId":"111111111111"}],
		"roles":[{"arn":"arn:aws:iam::111111111111:role/r","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:Get*","Resource":"*"}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	creds, err := dir.Issue(identity.Session{Account: "111111111111", ARN: "arn:aws:sts::111111111111:assumed-role/r/s1", Role: "arn:aws:iam::111111111111:role/r"}, issued.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	authAt := func(now time.Time, key, secret, token string) (awsproto.Caller, error) {
		body := []byte(`{}`)
		r := httptest.NewRequest("POST", "http://127.0.0.1/", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token}, r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", now); err != nil {
			t.Fatal(err)
		}
		auth := &awsproto.KeyringAuth{Keys: dir.Keys, Directory: dir, Now: func() time.Time { return now }}
		c, check, err := auth.Authenticate(r, "kinesis")
		if err != nil {
			return c, err
		}
		return c, check.Verify(r, hex.EncodeToString(sum[:]))
	}
	c, err := authAt(issued.Add(30*time.Minute), creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	if err != nil || c.Auth == nil || c.Auth.Principal.ARN != "arn:aws:sts::111111111111:assumed-role/r/s1" || c.Auth.Unrestricted || c.RateKey() != "arn:aws:iam::111111111111:role/r" {
		t.Fatalf("within the session: %+v %v", c, err)
	}
	code := func(err error) string { return awserr.As(err).Code.Name }
	if _, err := authAt(issued.Add(61*time.Minute), creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken); code(err) != "ExpiredTokenException" {
		t.Fatalf("after the expiry: %v", err)
	}
	if _, err := authAt(issued, "ASIAAAAAAAAAAAAAAAAA", creds.SecretAccessKey, creds.SessionToken); code(err) != "UnrecognizedClientException" {
		t.Fatalf("the token under another key ID: %v", err)
	}
	if _, err := authAt(issued, creds.AccessKeyID, creds.SecretAccessKey, ""); code(err) != "UnrecognizedClientException" {
		t.Fatalf("temporary key without its token: %v", err)
	}
	if _, err := authAt(issued, "AKIDROOT", "s", creds.SessionToken); code(err) != "UnrecognizedClientException" {
		t.Fatalf("a long-term key with a token: %v", err)
	}
}
