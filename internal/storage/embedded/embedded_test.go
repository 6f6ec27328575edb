package embedded_test

import (
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
