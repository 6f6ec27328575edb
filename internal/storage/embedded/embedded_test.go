package embedded_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
	"sluice/internal/storage/storagetest"
	"sluice/internal/vfs"
)

func TestConformanceOS(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, dir string, now func() time.Time) storage.Backend {
		b, err := embedded.Open(embedded.Options{Dir: dir, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

// TestConformanceMemFS runs the logs on the in-memory filesystem the crash
// tests use (the metadata store stays on disk).
func TestConformanceMemFS(t *testing.T) {
	var mu sync.Mutex
	fss := map[string]vfs.FS{}
	storagetest.Run(t, func(t *testing.T, dir string, now func() time.Time) storage.Backend {
		mu.Lock()
		fs, ok := fss[dir]
		if !ok {
			fs = vfs.NewCrashableMem()
			fss[dir] = fs
		}
		mu.Unlock()
		b, err := embedded.Open(embedded.Options{Dir: dir, FS: fs, Now: now, SegmentBytes: 4096})
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := embedded.Open(embedded.Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second open: %v", err)
	}
}

// TestFilesArePrivate: the data directory and everything in it are the
// owner's alone (segments hold record data), and a data directory that an
// older version made 0755 is narrowed.
func TestFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := "0123456789abcdef0123-abc"
	if err := b.Records().Describe(ctx, id, storage.Manifest{Key: "k", Value: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	l, err := b.Records().Open(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, []storage.Batch{{Shard: 0, Records: []storage.Record{{PartitionKey: "k", Data: []byte("secret")}}}}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s is %v, want %v", path, got, want)
		}
		n++
		return nil
	})
	if n < 6 { // the directory, meta.db, streams/, the log's directory, a segment, an index, ...
		t.Fatalf("only %d entries checked", n)
	}
}
