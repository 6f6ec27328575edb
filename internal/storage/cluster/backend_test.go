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
	t.Run("Meta", func(t *testing.T) { testMeta(t, e) })
	t.Run("Fencing", func(t *testing.T) { testFencing(t, e) })
	t.Run("FlushFailure", func(t *testing.T) { testFlushFailure(t, e) })
	t.Run("EtcdOutage", func(t *testing.T) { testEtcdOutage(t, e) })
	t.Run("UnansweredCommit", func(t *testing.T) { testUnansweredCommit(t, e) })
	t.Run("Compaction", func(t *testing.T) { testCompaction(t, e) })
	t.Run("Damage", func(t *testing.T) { testDamage(t, e) })
	t.Run("MovedRecords", func(t *testing.T) { testMovedRecords(t, e) })
	t.Run("Crash", func(t *testing.T) { testCrash(t, e) })
	t.Run("StaleIndex", func(t *testing.T) { testStaleIndex(t, e) })
	t.Run("ExpireObjects", func(t *testing.T) { testExpireObjects(t, e) })
	t.Run("RemoveAndAdopt", func(t *testing.T) { testRemoveAndAdopt(t, e) })
	t.Run("Recovery", func(t *testing.T) { testRecovery(t, e) })
	t.Run("StuckRemoval", func(t *testing.T) { testStuckRemoval(t, e) })
	t.Run("SlowClose", func(t *testing.T) { testSlowClose(t, e) })
	t.Run("PartialFlush", func(t *testing.T) { testPartialFlush(t, e) })
	t.Run("View", func(t *testing.T) { testView(t, e) })
	t.Run("Placement", func(t *testing.T) { testPlacement(t, e) })
	t.Run("WatchMeta", func(t *testing.T) { testWatchMeta(t, e) })
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
