package firehoseapi_test

import (
	"io"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// bucketStore is where a test's delivery streams deliver: the server's
// local directory, or a real S3-compatible server (versitygw with its
// POSIX backend in a temporary directory, as `make test` installs it).
type bucketStore struct {
	name     string
	endpoint string     // "" for the local directory
	s3       *s3.Client // the test's own client of the S3 server
	srv      *testserver.Server
}

// forEachStore runs fn against the local directory and against versitygw,
// with the buckets created on versitygw first.
func forEachStore(t *testing.T, buckets []string, fn func(t *testing.T, st *bucketStore)) {
	t.Run("local", func(t *testing.T) { fn(t, &bucketStore{name: "local"}) })
	t.Run("s3", func(t *testing.T) { fn(t, startVersity(t, buckets...)) })
}

// startVersity starts versitygw (skipping the test when it is not
// installed) with the buckets.
func startVersity(t *testing.T, buckets ...string) *bucketStore {
	v := testserver.StartVersitygw(t, buckets...)
	return &bucketStore{name: "s3", endpoint: v.Endpoint, s3: v.S3()}
}

// start starts a Sluice server delivering to the store.
func (st *bucketStore) start(t *testing.T, opts ...testserver.Option) *testserver.Server {
	if st.endpoint != "" {
		opts = append(opts, testserver.WithConfig(func(c *config.Config) {
			c.S3Endpoint, c.S3AccessKey, c.S3SecretKey, c.S3PathStyle = st.endpoint, testserver.VersityAccessKey, testserver.VersitySecretKey, true
		}))
	}
	st.srv = testserver.Start(t, opts...)
	return st.srv
}

// objects lists a bucket's keys, sorted.
func (st *bucketStore) objects(t *testing.T, bucket string) []string {
	t.Helper()
	if st.endpoint == "" {
		return localObjects(t, st.srv, bucket)
	}
	var keys []string
	p := s3.NewListObjectsV2Paginator(st.s3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	sort.Strings(keys)
	return keys
}

// wait waits until the bucket holds at least n objects.
func (st *bucketStore) wait(t *testing.T, bucket string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		keys := st.objects(t, bucket)
		if len(keys) >= n {
			return keys
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d objects in %s after 10s, want %d: %v", st.name, len(keys), bucket, n, keys)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// read returns an object's bytes; on S3 it also checks the object's
// Content-Type, which Firehose always sets to application/octet-stream.
func (st *bucketStore) read(t *testing.T, bucket, key string) []byte {
	t.Helper()
	if st.endpoint == "" {
		return readLocal(t, st.srv, bucket, key)
	}
	out, err := st.s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	if ct := aws.ToString(out.ContentType); ct != "application/octet-stream" {
		t.Errorf("%s: Content-Type %q", key, ct)
	}
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
