package objectstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestDirPutWritesUnderBucketAndKey(t *testing.T) {
	d := Dir{Root: t.TempDir()}
	if err := d.Put(context.Background(), Object{Bucket: "b", Key: "2026/11/26/10/x-1", Body: []byte("hello")}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(d.Root, "b", "2026", "11", "26", "10", "x-1"))
	if err != nil || string(got) != "hello" {
		t.Fatalf("read back %q, %v", got, err)
	}
	left, _ := filepath.Glob(filepath.Join(d.Root, "b", "2026", "11", "26", "10", ".put-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestDirRefusesPathsOutsideRoot(t *testing.T) {
	d := Dir{Root: t.TempDir()}
	for _, o := range []Object{
		{Bucket: "..", Key: "k"},
		{Bucket: "a/b", Key: "k"},
		{Bucket: "b", Key: "../../etc/passwd"},
		{Bucket: "b", Key: "/abs"},
		{Bucket: "b", Key: "a/./b"},
		{Bucket: "b", Key: ""},
	} {
		if err := d.Put(context.Background(), o); err == nil {
			t.Errorf("Put(%q, %q) succeeded", o.Bucket, o.Key)
		}
	}
}
