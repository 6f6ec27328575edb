package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

const (
	msgMismatch     = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgTargetNotSig = "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."
)

// rawCall sends a hand-built request and returns the status, error type
// and message.
func rawCall(t *testing.T, r *http.Request) (int, string, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	msg := string(b)
	if i := strings.Index(msg, `"message":"`); i >= 0 {
		msg = strings.TrimSuffix(msg[i+len(`"message":"`):], `"}`)
	}
	return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), msg
}

func bodyHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// TestSignatureCoversOperationAndBody runs --auth sigv4 and replays the
// issue's attacks against a real server: a presigned DescribeStreamSummary
// sent as DeleteStream, an SDK client signing UNSIGNED-PAYLOAD, and a body
// swapped after signing. Each is refused and the stream is still there.
func TestSignatureCoversOperationAndBody(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(creds, []byte(`{"keys":[{"accessKeyId":"AKIAALICE","secretAccessKey":"alice-secret","accountId":"111111111111"}]}`), 0o600)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.Auth, c.Credentials = config.AuthSigV4, creds }))
	ctx := context.Background()
	alice := aws.Credentials{AccessKeyID: "AKIAALICE", SecretAccessKey: "alice-secret"}
	client := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", alice.AccessKeyID, alice.SecretAccessKey))
	for _, name := range []string{"keep", "gone"} {
		if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	stillThere := func(name string) {
		t.Helper()
		if _, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)}); err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
	}
	request := func(target, body string) *http.Request {
		r, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "Kinesis_20131202."+target)
		return r
	}

	// A presigned DescribeStreamSummary URL (the Go presigner hoists the
	// target into the query), sent with DeleteStream's target.
	body := `{"StreamName":"keep"}`
	u, hdr, err := v4.NewSigner().PresignHTTP(ctx, alice, request("DescribeStreamSummary", body), bodyHash(body), "kinesis", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	send := func(target string) (int, string, string) {
		r, _ := http.NewRequest("POST", u, strings.NewReader(body))
		for k, v := range hdr {
			if k != "Host" {
				r.Header[k] = v
			}
		}
		r.Header.Set("X-Amz-Target", "Kinesis_20131202."+target)
		return rawCall(t, r)
	}
	if status, typ, msg := send("DeleteStream"); status != 400 || typ != "InvalidSignatureException" || msg != msgTargetNotSig {
		t.Fatalf("presigned Describe as DeleteStream: %d %s %s", status, typ, msg)
	}
	stillThere("keep")
	if status, typ, msg := send("DescribeStreamSummary"); status != 200 {
		t.Fatalf("the presigned URL as signed: %d %s %s", status, typ, msg)
	}

	// The target set after signing, header form.
	r := request("DescribeStreamSummary", body)
	r.Header.Del("X-Amz-Target")
	v4.NewSigner().SignHTTP(ctx, alice, r, bodyHash(body), "kinesis", "us-east-1", time.Now())
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.DeleteStream")
	if status, typ, msg := rawCall(t, r); status != 400 || typ != "InvalidSignatureException" || msg != msgTargetNotSig {
		t.Fatalf("unsigned target: %d %s %s", status, typ, msg)
	}
	stillThere("keep")

	// The SDK told to sign UNSIGNED-PAYLOAD (as it does for S3).
	unsignedClient := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", alice.AccessKeyID, alice.SecretAccessKey), func(o *kinesis.Options) {
		o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware, v4.AddContentSHA256HeaderMiddleware)
	})
	_, err = unsignedClient.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("keep")})
	if code, msg := apiCode(err); code != "InvalidSignatureException" || msg != msgMismatch {
		t.Fatalf("UNSIGNED-PAYLOAD: %v", err)
	}
	stillThere("keep")

	// A body swapped after signing: DeleteStream signed for "keep", sent
	// for "gone".
	r = request("DeleteStream", `{"StreamName":"keep"}`)
	v4.NewSigner().SignHTTP(ctx, alice, r, bodyHash(`{"StreamName":"keep"}`), "kinesis", "us-east-1", time.Now())
	r.Body = io.NopCloser(strings.NewReader(`{"StreamName":"gone"}`))
	if status, typ, msg := rawCall(t, r); status != 400 || typ != "InvalidSignatureException" || msg != msgMismatch {
		t.Fatalf("swapped body: %d %s %s", status, typ, msg)
	}
	stillThere("gone")
	stillThere("keep")
}
