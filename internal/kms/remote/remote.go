// Package remote is kms.MasterKeys over the AWS KMS API (JSON 1.1,
// X-Amz-Target TrentService.*): AWS KMS itself, or any endpoint that speaks
// its GenerateDataKey, Decrypt and DescribeKey, given with --kms-endpoint.
// It uses aws-sdk-go-v2's service/kms client (v1.63.0, which pins the same
// aws-sdk-go-v2 v1.48.0 and smithy-go as the rest of Sluice), so signing,
// retries of throttled and failed calls, and the error shapes are the
// SDK's. The services reach it only through kms.MasterKeys, which package
// server injects; this package is the one that brings net/http.
//
// KMS's errors become *kms.Error with KMS's own message:
// NotFoundException → kms.NotFound, DisabledException → kms.Disabled,
// KMSInvalidStateException → kms.InvalidState, AccessDeniedException and
// IncorrectKeyException → kms.AccessDenied, ThrottlingException and
// LimitExceededException → kms.Throttled, InvalidCiphertextException →
// kms.Invalid, KMSInternalException, DependencyTimeoutException,
// KeyUnavailableException and a KMS that cannot be reached →
// kms.Unavailable.
//
// The scope of each call is not sent: the endpoint resolves bare key IDs
// and alias names in the account of the credentials it is called with, as
// AWS KMS does.
package remote

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"sluice/internal/kms"
)

// Options configure a Client.
type Options struct {
	Endpoint  string // http(s)://host:port
	Region    string
	AccessKey string
	SecretKey string
	// HTTPClient replaces the default (30 s timeout).
	HTTPClient *http.Client
}

// Client is kms.MasterKeys over a KMS endpoint.
type Client struct {
	api *awskms.Client
}

var _ kms.MasterKeys = (*Client)(nil)

// New returns a client of the endpoint.
func New(o Options) *Client {
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	cfg := aws.Config{
		Region:       o.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, ""),
		BaseEndpoint: aws.String(o.Endpoint),
		HTTPClient:   hc,
	}
	return &Client{api: awskms.NewFromConfig(cfg)}
}

// Describe implements kms.MasterKeys with DescribeKey.
func (c *Client) Describe(ctx context.Context, _ kms.Scope, keyID string) (kms.KeyInfo, error) {
	out, err := c.api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return kms.KeyInfo{}, mapErr(err)
	}
	md := out.KeyMetadata
	if md == nil {
		return kms.KeyInfo{}, &kms.Error{Code: kms.Unavailable, Msg: "DescribeKey answered without KeyMetadata"}
	}
	return kms.KeyInfo{ID: aws.ToString(md.KeyId), ARN: aws.ToString(md.Arn), State: kms.KeyState(md.KeyState)}, nil
}

// GenerateDataKey implements kms.MasterKeys (KeySpec AES_256).
func (c *Client) GenerateDataKey(ctx context.Context, _ kms.Scope, keyID string, encryptionContext map[string]string) (kms.DataKey, error) {
	out, err := c.api.GenerateDataKey(ctx, &awskms.GenerateDataKeyInput{
		KeyId: aws.String(keyID), KeySpec: types.DataKeySpecAes256, EncryptionContext: encryptionContext,
	})
	if err != nil {
		return kms.DataKey{}, mapErr(err)
	}
	if len(out.Plaintext) != 32 || len(out.CiphertextBlob) == 0 {
		return kms.DataKey{}, &kms.Error{Code: kms.Unavailable, Msg: "GenerateDataKey answered without a 256-bit data key"}
	}
	return kms.DataKey{Plaintext: out.Plaintext, Wrapped: out.CiphertextBlob, KeyARN: aws.ToString(out.KeyId)}, nil
}

// Decrypt implements kms.MasterKeys.
func (c *Client) Decrypt(ctx context.Context, _ kms.Scope, keyID string, wrapped []byte, encryptionContext map[string]string) ([]byte, error) {
	in := &awskms.DecryptInput{CiphertextBlob: wrapped, EncryptionContext: encryptionContext}
	if keyID != "" {
		in.KeyId = aws.String(keyID)
	}
	out, err := c.api.Decrypt(ctx, in)
	if err != nil {
		return nil, mapErr(err)
	}
	if len(out.Plaintext) != 32 {
		return nil, &kms.Error{Code: kms.Unavailable, Msg: "Decrypt answered without a 256-bit data key"}
	}
	return out.Plaintext, nil
}

// code maps a KMS error code.
func code(name string) (kms.Code, bool) {
	switch name {
	case "NotFoundException":
		return kms.NotFound, true
	case "DisabledException":
		return kms.Disabled, true
	case "KMSInvalidStateException":
		return kms.InvalidState, true
	case "AccessDeniedException", "IncorrectKeyException":
		return kms.AccessDenied, true
	case "ThrottlingException", "LimitExceededException":
		return kms.Throttled, true
	case "InvalidCiphertextException":
		return kms.Invalid, true
	}
	return 0, false
}

func mapErr(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		if c, ok := code(api.ErrorCode()); ok {
			return &kms.Error{Code: c, Msg: api.ErrorMessage()}
		}
		return &kms.Error{Code: kms.Unavailable, Msg: api.ErrorCode() + ": " + api.ErrorMessage()}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &kms.Error{Code: kms.Unavailable, Msg: "KMS cannot be reached: " + err.Error()}
}
