package cluster

import (
	"testing"
	"time"

	"sluice/internal/storage"
	"sluice/internal/storage/storagetest"
)

// TestBackend runs every test that needs etcd and versitygw against one
// of each.
func TestBackend(t *testing.T) {
	e := startEnv(t)
	t.Run("Conformance", func(t *testing.T) { testConformance(t, e) })
	t.Run("Fencing", func(t *testing.T) { testFencing(t, e) })
	t.Run("FlushFailure", func(t *testing.T) { testFlushFailure(t, e) })
}

// testConformance runs the storage conformance suite; each directory the
// suite opens maps to its own prefix, so that reopening sees the same data.
func testConformance(t *testing.T, e *env) {
	fence := e.fence(t)
	storagetest.Run(t, func(t *testing.T, dir string, now func() time.Time) storage.Backend {
		o := e.options(prefixOf(dir), fence)
		o.Now = now
		b, err := Open(t.Context(), o)
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}
