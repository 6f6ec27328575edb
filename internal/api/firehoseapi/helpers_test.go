package firehoseapi_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/smithy-go"

	"sluice/internal/testserver"
)

// apiCode returns the AWS error code of err ("" for nil).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// createS3 creates a DirectPut delivery stream to bucket with the given
// extended configuration (RoleARN and BucketARN filled in) and waits until
// it is ACTIVE.
func createS3(t *testing.T, fh *firehose.Client, name string, conf types.ExtendedS3DestinationConfiguration) {
	t.Helper()
	conf.RoleARN = aws.String("arn:aws:iam::000000000000:role/firehose")
	if conf.BucketARN == nil {
		conf.BucketARN = aws.String("arn:aws:s3:::bucket")
	}
	if _, err := fh.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName:                 aws.String(name),
		ExtendedS3DestinationConfiguration: &conf,
	}); err != nil {
		t.Fatal(err)
	}
	waitActive(t, fh, name)
}

func waitActive(t *testing.T, fh *firehose.Client, name string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := fh.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if out.DeliveryStreamDescription.DeliveryStreamStatus == types.DeliveryStreamStatusActive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %s", name, out.DeliveryStreamDescription.DeliveryStreamStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func put(t *testing.T, fh *firehose.Client, name string, records ...string) {
	t.Helper()
	in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(name)}
	for _, r := range records {
		in.Records = append(in.Records, types.Record{Data: []byte(r)})
	}
	out, err := fh.PutRecordBatch(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.FailedPutCount) != 0 {
		t.Fatalf("FailedPutCount = %d", aws.ToInt32(out.FailedPutCount))
	}
}

// localObjects lists the objects delivered to <data-dir>/s3/<bucket>, as
// keys relative to the bucket, sorted.
func localObjects(t *testing.T, srv *testserver.Server, bucket string) []string {
	t.Helper()
	root := filepath.Join(srv.Dir, "s3", bucket)
	var keys []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".put-") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		keys = append(keys, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	return keys
}

// waitObjects waits until at least n objects are in the bucket.
func waitObjects(t *testing.T, srv *testserver.Server, bucket string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		keys := localObjects(t, srv, bucket)
		if len(keys) >= n {
			return keys
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d objects in %s after 10s, want %d: %v", len(keys), bucket, n, keys)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readLocal(t *testing.T, srv *testserver.Server, bucket, key string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(srv.Dir, "s3", bucket, filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
