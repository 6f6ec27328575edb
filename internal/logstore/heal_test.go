package logstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sluice/internal/vfs"
)

// fullDisk fails the chosen operations with ENOSPC while it is on.
type fullDisk struct {
	on  atomic.Bool
	ops map[vfs.Op]bool
}

func (d *fullDisk) inject(op vfs.Op, name string) error {
	if d.on.Load() && d.ops[op] {
		return &fs.PathError{Op: op.String(), Path: name, Err: syscall.ENOSPC}
	}
	return nil
}

// waitHealthy waits until l accepts appends again.
func waitHealthy(t *testing.T, l *Log) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := l.Failure(); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the log did not heal")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestFailedLogHeals fills the disk under a log: appends fail with a clear
// error and keep failing while the disk is full, then the log reopens
// itself once writes succeed, without a restart; nothing acknowledged is
// lost and no counter is reused, across a crash too.
func TestFailedLogHeals(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []vfs.Op
	}{
		{"write fails", []vfs.Op{vfs.OpWrite, vfs.OpSync}},
		{"only fdatasync fails", []vfs.Op{vfs.OpSync}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := vfs.NewCrashableMem()
			disk := &fullDisk{ops: map[vfs.Op]bool{}}
			for _, op := range tc.ops {
				disk.ops[op] = true
			}
			opts := testOptions(vfs.WithInjector(mem, disk.inject), newClock(1))
			opts.HealInterval = 5 * time.Millisecond
			l := mustOpen(t, opts)
			defer l.Close()
			m := newModel()
			for i := range 5 {
				b := Batch{Shard: 0, Records: []Record{rec(fmt.Sprint(i), 100)}}
				m.add(b, mustAppend(t, l, b)[0])
			}

			disk.on.Store(true)
			_, err := l.Append(context.Background(), []Batch{{Shard: 0, Records: []Record{rec("lost", 100)}}})
			if !errors.Is(err, ErrWriteFailed) || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Append on a full disk = %v", err)
			}
			time.Sleep(50 * time.Millisecond) // several heal attempts, all failing
			if _, err := l.Failure(); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Failure while the disk is full = %v", err)
			}
			if _, err := l.Append(context.Background(), []Batch{{Shard: 0, Records: []Record{rec("lost2", 1)}}}); !errors.Is(err, ErrWriteFailed) {
				t.Fatalf("Append while failed = %v", err)
			}
			m.check(t, l) // reads go on

			disk.on.Store(false)
			waitHealthy(t, l)
			b := Batch{Shard: 0, Records: []Record{rec("after", 100)}}
			res := mustAppend(t, l, b)
			if res[0].FirstSeq != 6 {
				t.Fatalf("FirstSeq after healing = %d, want 6", res[0].FirstSeq)
			}
			m.add(b, res[0])
			m.check(t, l)

			crashed := mem.CrashClone()
			l2 := mustOpen(t, testOptions(crashed, newClock(2)))
			defer l2.Close()
			m.check(t, l2)
		})
	}
}

// TestRelaxedLogHealKeepsAcknowledged: in relaxed mode appends are
// acknowledged before their fdatasync, so when that sync fails, healing
// writes those records again and syncs them rather than dropping them.
func TestRelaxedLogHealKeepsAcknowledged(t *testing.T) {
	mem := vfs.NewCrashableMem()
	disk := &fullDisk{ops: map[vfs.Op]bool{vfs.OpSync: true}}
	opts := testOptions(vfs.WithInjector(mem, disk.inject), newClock(1))
	opts.HealInterval = 5 * time.Millisecond
	opts.SyncInterval = time.Hour // syncs happen when the test says
	l := mustOpen(t, opts)
	defer l.Close()
	m := newModel()
	disk.on.Store(true)
	for i := range 3 {
		b := Batch{Shard: 1, Records: []Record{rec(fmt.Sprint(i), 50)}}
		m.add(b, mustAppend(t, l, b)[0])
	}
	// What the sync tick does, now.
	err := l.control(func() error {
		if err := l.syncDirty(); err != nil {
			return l.fail(err)
		}
		return nil
	})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("sync = %v", err)
	}
	disk.on.Store(false)
	waitHealthy(t, l)
	l2 := mustOpen(t, testOptions(mem.CrashClone(), newClock(2)))
	defer l2.Close()
	m.check(t, l2)
}
