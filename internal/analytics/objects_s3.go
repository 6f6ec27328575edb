package analytics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"sluice/internal/objectstore"
)

// S3Objects reads objects from the S3-compatible endpoint the server
// delivers to (--s3-endpoint).
type S3Objects struct {
	client *s3.Client
}

// NewS3Objects returns an ObjectReader on the endpoint of o.
func NewS3Objects(o objectstore.S3Options) *S3Objects {
	cfg := aws.Config{
		Region:       o.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, ""),
		BaseEndpoint: aws.String(o.Endpoint),
		HTTPClient:   &http.Client{Timeout: time.Minute},
	}
	return &S3Objects{client: s3.NewFromConfig(cfg, func(opt *s3.Options) {
		opt.UsePathStyle = o.PathStyle
		opt.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		opt.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})}
}

// Get implements ObjectReader with a ranged GetObject.
func (s *S3Objects) Get(ctx context.Context, bucket, key string, max int64) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(bucket),
		Key:    aws.String(key),
		Range:  aws.String(fmt.Sprintf("bytes=0-%d", max-1)),
	})
	var noKey *types.NoSuchKey
	var noBucket *types.NoSuchBucket
	switch {
	case errors.As(err, &noKey):
		return nil, fmt.Errorf("no object %s in bucket %s", key, bucket)
	case errors.As(err, &noBucket):
		return nil, fmt.Errorf("no bucket %s", bucket)
	case err != nil:
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(io.LimitReader(out.Body, max))
}
