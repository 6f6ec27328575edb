package objectstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Errors of the S3 reads, for callers that tell a missing object from an
// unreachable store (the cluster backend counts the first as damage and
// retries the second).
var (
	// ErrNoSuchKey is returned by Get and GetRange for an absent object.
	ErrNoSuchKey = errors.New("objectstore: no such key")
	// ErrInvalidRange is returned by GetRange for a range that starts past
	// the object's end.
	ErrInvalidRange = errors.New("objectstore: range not satisfiable")
)

// listPageSize is how many keys List asks for at once: S3's maximum.
const listPageSize = 1000

// Get returns a whole object.
func (s *S3) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	return s.get(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, -1)
}

// GetRange returns n bytes of an object from offset off (fewer if the
// object ends first).
func (s *S3) GetRange(ctx context.Context, bucket, key string, off, n int64) ([]byte, error) {
	if off < 0 || n <= 0 {
		return nil, fmt.Errorf("objectstore: invalid range %d+%d of %s", off, n, key)
	}
	return s.get(ctx, &s3.GetObjectInput{
		Bucket: aws.String(bucket),
		Key:    aws.String(key),
		Range:  aws.String(fmt.Sprintf("bytes=%d-%d", off, off+n-1)),
	}, n)
}

// get runs GetObject and reads its body, at most max bytes when max >= 0
// (a server that ignores Range must not make us read a whole large object).
func (s *S3) get(ctx context.Context, in *s3.GetObjectInput, max int64) ([]byte, error) {
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		return nil, readError(err, *in.Key)
	}
	defer out.Body.Close()
	size := int64(0)
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	if max >= 0 {
		size = min(size, max)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	var body io.Reader = out.Body
	if max >= 0 {
		body = io.LimitReader(out.Body, max)
	}
	if _, err := buf.ReadFrom(body); err != nil {
		return nil, fmt.Errorf("objectstore: read %s: %w", *in.Key, err)
	}
	return buf.Bytes(), nil
}

// readError maps S3's answers for absent objects and bad ranges to this
// package's errors, keeping the SDK's error behind them.
func readError(err error, key string) error {
	var nsk *types.NoSuchKey
	var ae smithy.APIError
	switch {
	case errors.As(err, &nsk):
		return fmt.Errorf("%w: %s: %w", ErrNoSuchKey, key, err)
	case errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound"):
		return fmt.Errorf("%w: %s: %w", ErrNoSuchKey, key, err)
	case errors.As(err, &ae) && ae.ErrorCode() == "InvalidRange":
		return fmt.Errorf("%w: %s: %w", ErrInvalidRange, key, err)
	}
	return err
}

// Delete removes an object; an absent one is not an error (S3 answers 204
// either way, and some compatible servers 404).
func (s *S3) Delete(ctx context.Context, bucket, key string) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil && errors.Is(readError(err, key), ErrNoSuchKey) {
		return nil
	}
	return err
}

// List returns the keys of a bucket that start with prefix, in S3's order
// (UTF-8 binary), reading every page.
func (s *S3) List(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket:  aws.String(bucket),
		Prefix:  aws.String(prefix),
		MaxKeys: aws.Int32(listPageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// CreateBucket creates a bucket; one that exists and is ours already is
// not an error, so that every start may call it.
func (s *S3) CreateBucket(ctx context.Context, bucket string) error {
	_, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	var owned *types.BucketAlreadyOwnedByYou
	var ae smithy.APIError
	if errors.As(err, &owned) || errors.As(err, &ae) && ae.ErrorCode() == "BucketAlreadyOwnedByYou" {
		return nil
	}
	return err
}
