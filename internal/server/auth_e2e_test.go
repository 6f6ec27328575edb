package server_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

func apiCode(err error) (string, string) {
	var e smithy.APIError
	if errors.As(err, &e) {
		return e.ErrorCode(), e.ErrorMessage()
	}
	return "", ""
}

// TestSigV4Auth runs the server with --auth sigv4 and two keys mapped to two
// accounts.
func TestSigV4Auth(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(creds, []byte(`{"keys":[
		{"accessKeyId":"AKIAALICE","secretAccessKey":"alice-secret","accountId":"111111111111"},
		{"accessKeyId":"AKIABOB","secretAccessKey":"bob-secret","accountId":"222222222222"}]}`), 0o600)
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) {
		c.Auth, c.Credentials = config.AuthSigV4, creds
	}))
	ctx := context.Background()
	client := func(key, secret string) *kinesis.Client {
		return kinesis.NewFromConfig(srv.AWSConfig("us-east-1", key, secret))
	}
	alice := client("AKIAALICE", "alice-secret")
	if _, err := alice.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("a"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	out, err := alice.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("a")})
	if err != nil || *out.StreamDescriptionSummary.StreamARN != "arn:aws:kinesis:us-east-1:111111111111:stream/a" {
		t.Fatalf("alice's stream: %v %v", out, err)
	}
	// Bob is another account: he does not see alice's stream.
	_, err = client("AKIABOB", "bob-secret").DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("a")})
	if code, msg := apiCode(err); code != "ResourceNotFoundException" || msg != "Stream a under account 222222222222 not found." {
		t.Fatalf("bob: %v", err)
	}
	_, err = client("AKIAALICE", "wrong").ListStreams(ctx, &kinesis.ListStreamsInput{})
	if code, msg := apiCode(err); code != "InvalidSignatureException" ||
		msg != "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." {
		t.Fatalf("wrong secret: %v", err)
	}
	_, err = client("AKIAMALLORY", "x").ListStreams(ctx, &kinesis.ListStreamsInput{})
	if code, msg := apiCode(err); code != "UnrecognizedClientException" || msg != "The security token included in the request is invalid." {
		t.Fatalf("unknown key: %v", err)
	}
	clock.Advance(10 * time.Minute) // the server's clock is now ahead of the client's
	_, err = alice.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if code, msg := apiCode(err); code != "InvalidSignatureException" || len(msg) < 20 || msg[:18] != "Signature expired:" {
		t.Fatalf("skewed clock: %v", err)
	}
}
