package objectstore

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3Options configure an S3 store.
type S3Options struct {
	Endpoint  string // http(s)://host:port
	Region    string
	AccessKey string
	SecretKey string
	// PathStyle addresses buckets as endpoint/bucket/key (MinIO, versitygw,
	// Ceph) rather than bucket.endpoint/key.
	PathStyle bool
}

// S3 is a Store on an S3-compatible endpoint.
type S3 struct {
	client *s3.Client
}

// NewS3 returns an S3 store. The SDK's own retries are kept (the caller
// retries whole deliveries on top, for as long as AWS would).
func NewS3(o S3Options) *S3 {
	cfg := aws.Config{
		Region:       o.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, ""),
		BaseEndpoint: aws.String(o.Endpoint),
		HTTPClient:   &http.Client{Timeout: 5 * time.Minute},
	}
	return &S3{client: s3.NewFromConfig(cfg, func(opt *s3.Options) {
		opt.UsePathStyle = o.PathStyle
		// Checksums only when the endpoint asks: S3-compatible servers
		// differ in what they accept.
		opt.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		opt.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})}
}

// Put writes the object with PutObject, Content-Type
// application/octet-stream as Firehose writes them.
func (s *S3) Put(ctx context.Context, o Object) error {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(o.Bucket),
		Key:           aws.String(o.Key),
		Body:          bytes.NewReader(o.Body),
		ContentLength: aws.Int64(int64(len(o.Body))),
		ContentType:   aws.String("application/octet-stream"),
	}
	if o.ContentEncoding != "" {
		in.ContentEncoding = aws.String(o.ContentEncoding)
	}
	_, err := s.client.PutObject(ctx, in)
	return err
}
