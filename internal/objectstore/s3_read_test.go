package objectstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"sluice/internal/objectstore"
	"sluice/internal/testserver"
)

// TestS3Reads checks Get, GetRange, List (with paging), Delete and
// CreateBucket against versitygw.
func TestS3Reads(t *testing.T) {
	v := testserver.StartVersitygw(t)
	s := objectstore.NewS3(objectstore.S3Options{Endpoint: v.Endpoint, Region: testserver.VersityRegion,
		AccessKey: testserver.VersityAccessKey, SecretKey: testserver.VersitySecretKey, PathStyle: true})
	ctx := context.Background()
	for range 2 { // the second time, the bucket is ours already
		if err := s.CreateBucket(ctx, "reads"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, objectstore.Object{Bucket: "reads", Key: "dir/obj", Body: []byte("0123456789")}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "reads", "dir/obj"); err != nil || string(got) != "0123456789" {
		t.Fatalf("Get: %q, %v", got, err)
	}
	if got, err := s.GetRange(ctx, "reads", "dir/obj", 3, 4); err != nil || string(got) != "3456" {
		t.Fatalf("GetRange(3, 4): %q, %v", got, err)
	}
	if got, err := s.GetRange(ctx, "reads", "dir/obj", 8, 5); err != nil || string(got) != "89" {
		t.Fatalf("GetRange past the end: %q, %v", got, err)
	}
	if _, err := s.GetRange(ctx, "reads", "dir/obj", 20, 5); !errors.Is(err, objectstore.ErrInvalidRange) {
		t.Fatalf("GetRange from past the end: %v", err)
	}
	if _, err := s.Get(ctx, "reads", "dir/missing"); !errors.Is(err, objectstore.ErrNoSuchKey) {
		t.Fatalf("Get of a missing object: %v", err)
	}
	if _, err := s.GetRange(ctx, "reads", "dir/missing", 0, 1); !errors.Is(err, objectstore.ErrNoSuchKey) {
		t.Fatalf("GetRange of a missing object: %v", err)
	}
	if err := s.Delete(ctx, "reads", "dir/obj"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "reads", "dir/obj"); err != nil {
		t.Fatalf("Delete of a missing object: %v", err)
	}
	if _, err := s.Get(ctx, "reads", "dir/obj"); !errors.Is(err, objectstore.ErrNoSuchKey) {
		t.Fatalf("Get after Delete: %v", err)
	}

	// More keys than one page holds (S3 pages at 1,000).
	var want []string
	for i := range 1005 {
		want = append(want, fmt.Sprintf("many/%05d", i))
	}
	want = append(want, "other/x")
	var wg sync.WaitGroup
	errs := make(chan error, len(want))
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < len(want); i += 16 {
				if err := s.Put(ctx, objectstore.Object{Bucket: "reads", Key: want[i], Body: []byte("x")}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	got, err := s.List(ctx, "reads", "many/")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want[:len(want)-1]) {
		t.Fatalf("List returned %d keys, want %d (first %v)", len(got), len(want)-1, got[:min(3, len(got))])
	}
}
