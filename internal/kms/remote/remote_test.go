package remote

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/smithy-go"

	"sluice/internal/kms"
	"sluice/internal/kms/kmstest"
)

func client(srv *kmstest.Server) *Client {
	return New(Options{Endpoint: srv.URL, Region: "us-east-1", AccessKey: "AKID", SecretKey: "secret"})
}

func TestRemoteDataKeys(t *testing.T) {
	ctx := context.Background()
	srv := kmstest.Start(t)
	key := srv.CreateKey(t, "alias/orders")
	c := client(srv)
	var scope kms.Scope // not sent: the endpoint's account applies

	for _, ref := range []string{key.ID, key.ARN, "alias/orders", "arn:aws:kms:us-east-1:111122223333:alias/orders"} {
		info, err := c.Describe(ctx, scope, ref)
		if err != nil || info.ARN != key.ARN || info.State != kms.StateEnabled {
			t.Fatalf("Describe(%s) = %+v, %v", ref, info, err)
		}
	}
	ec := map[string]string{"aws:kinesis:arn": "arn:aws:kinesis:us-east-1:111122223333:stream/s"}
	dk, err := c.GenerateDataKey(ctx, scope, "alias/orders", ec)
	if err != nil || len(dk.Plaintext) != 32 || dk.KeyARN != key.ARN {
		t.Fatalf("GenerateDataKey = %+v, %v", dk, err)
	}
	plain, err := c.Decrypt(ctx, scope, dk.KeyARN, dk.Wrapped, ec)
	if err != nil || !bytes.Equal(plain, dk.Plaintext) {
		t.Fatalf("Decrypt = %x, %v", plain, err)
	}
	_, err = c.Decrypt(ctx, scope, "", dk.Wrapped, map[string]string{"aws:kinesis:arn": "other"})
	wantCode(t, err, kms.Invalid, "")

	_, err = c.Describe(ctx, scope, "alias/missing")
	wantCode(t, err, kms.NotFound, "Alias 'arn:aws:kms:us-east-1:111122223333:alias/missing' is not found.")
	_, err = c.GenerateDataKey(ctx, scope, "1234abcd-12ab-34cd-56ef-1234567890ab", ec)
	wantCode(t, err, kms.NotFound, "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist")

	srv.SetState(t, key.ID, kms.StateDisabled)
	info, err := c.Describe(ctx, scope, key.ID)
	if err != nil || info.State != kms.StateDisabled || info.Usable() == nil {
		t.Fatalf("Describe of a disabled key = %+v, %v", info, err)
	}
	_, err = c.GenerateDataKey(ctx, scope, key.ID, ec)
	wantCode(t, err, kms.Disabled, key.ARN+" is disabled.")
	_, err = c.Decrypt(ctx, scope, "", dk.Wrapped, ec)
	wantCode(t, err, kms.Disabled, "")

	srv.Fail("GenerateDataKey", "AccessDeniedException", "User: arn:aws:iam::111122223333:user/x is not authorized to perform: kms:GenerateDataKey")
	_, err = c.GenerateDataKey(ctx, scope, "alias/orders", ec)
	wantCode(t, err, kms.AccessDenied, "User: arn:aws:iam::111122223333:user/x is not authorized to perform: kms:GenerateDataKey")
	srv.Fail("DescribeKey", "KMSInvalidStateException", key.ARN+" is pending deletion.")
	_, err = c.Describe(ctx, scope, key.ID)
	wantCode(t, err, kms.InvalidState, key.ARN+" is pending deletion.")

	dead := New(Options{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", AccessKey: "a", SecretKey: "b"})
	_, err = dead.Describe(ctx, scope, key.ID)
	wantCode(t, err, kms.Unavailable, "")
}

func TestErrorCodes(t *testing.T) {
	for name, want := range map[string]kms.Code{
		"NotFoundException": kms.NotFound, "DisabledException": kms.Disabled, "KMSInvalidStateException": kms.InvalidState,
		"AccessDeniedException": kms.AccessDenied, "IncorrectKeyException": kms.AccessDenied, "ThrottlingException": kms.Throttled,
		"LimitExceededException": kms.Throttled, "InvalidCiphertextException": kms.Invalid, "KMSInternalException": kms.Unavailable,
		"DependencyTimeoutException": kms.Unavailable, "KeyUnavailableException": kms.Unavailable,
	} {
		err := mapErr(&smithy.GenericAPIError{Code: name, Message: "m"})
		wantCode(t, err, want, "")
	}
}

func wantCode(t *testing.T, err error, code kms.Code, msg string) {
	t.Helper()
	if kms.CodeOf(err) != code {
		t.Fatalf("got %v, want %v", err, code)
	}
	if msg != "" && kms.MessageOf(err) != msg {
		t.Fatalf("message %q, want %q", kms.MessageOf(err), msg)
	}
}
