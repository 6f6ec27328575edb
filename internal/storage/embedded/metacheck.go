package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// lockTimeout is how long Open waits for another process's lock on meta.db.
const lockTimeout = time.Second

// Checking meta.db before and while bbolt opens it.
//
// bbolt maps the file into memory and trusts it: a file cut short makes it
// touch pages past the end (SIGBUS, which kills a Go program), and a damaged
// page trips its assertions (a panic). Neither may crash Sluice. So before
// bbolt sees the file, its two meta pages are read by hand (magic, version,
// FNV-64a checksum), the newest valid one must describe a file no longer
// than the one on disk, and every page it leads to, and every element of
// every page, must lie where it can (boltWalk); then bbolt opens it on a goroutine whose faults are
// panics (debug.SetPanicOnFault) and whose panics are recovered; then
// bbolt's own consistency check walks every page. Any failure is an
// ErrMetaDamaged that names the file and says what to do.

// ErrMetaDamaged reports a metadata file that cannot be used.
var ErrMetaDamaged = errors.New("the metadata file is damaged")

// bbolt's file format: a 16-byte page header, then the meta fields.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	boltPageHeader   = 16
	boltMetaSize     = 64 // the fields up to and including the checksum
	boltChecksumFrom = 56 // the checksum covers the fields before it
)

type boltMetaPage struct {
	pageSize uint32
	root     uint64 // the root bucket's page
	freelist uint64
	pgid     uint64 // the high-water mark: pages [0, pgid) are in use
	txid     uint64
}

// parseBoltMeta decodes the meta fields at the start of b and reports
// whether they are intact.
func parseBoltMeta(b []byte) (boltMetaPage, bool) {
	if len(b) < boltMetaSize {
		return boltMetaPage{}, false
	}
	le := binary.LittleEndian
	h := fnv.New64a()
	h.Write(b[:boltChecksumFrom])
	if le.Uint32(b) != boltMagic || le.Uint32(b[4:]) != boltVersion || h.Sum64() != le.Uint64(b[boltChecksumFrom:]) {
		return boltMetaPage{}, false
	}
	return boltMetaPage{
		pageSize: le.Uint32(b[8:]), root: le.Uint64(b[16:]), freelist: le.Uint64(b[32:]),
		pgid: le.Uint64(b[40:]), txid: le.Uint64(b[48:]),
	}, true
}

// checkMetaFile checks what bbolt would map of the file at path: a missing
// or empty file is fine (bbolt makes a new one).
func checkMetaFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	if size == 0 {
		return nil
	}
	var best boltMetaPage
	found := false
	consider := func(off int64) {
		b := make([]byte, boltMetaSize)
		if _, err := f.ReadAt(b, off+boltPageHeader); err != nil {
			return
		}
		if m, ok := parseBoltMeta(b); ok && (!found || m.txid > best.txid) {
			best, found = m, true
		}
	}
	consider(0)
	// The second meta page is one page in; its size is in the first, or,
	// if that is damaged, one of the sizes bbolt uses.
	sizes := []int64{int64(os.Getpagesize()), 4096, 8192, 16384, 32768, 65536}
	if found {
		sizes = []int64{int64(best.pageSize)}
	}
	for _, ps := range sizes {
		consider(ps)
	}
	switch {
	case !found:
		return fmt.Errorf("neither of its two meta pages is intact")
	case best.pageSize < 512 || best.pageSize > 1<<20:
		return fmt.Errorf("its meta page gives a page size of %d", best.pageSize)
	case best.pgid < 4:
		return fmt.Errorf("its meta page counts only %d pages", best.pgid)
	case best.pgid > uint64(size)/uint64(best.pageSize):
		return fmt.Errorf("it is %d bytes long but its meta page describes %d pages of %d bytes: the file was cut short",
			size, best.pgid, best.pageSize)
	}
	b := make([]byte, best.pgid*uint64(best.pageSize))
	if _, err := f.ReadAt(b, 0); err != nil {
		return err
	}
	return boltWalk(b, best)
}

// openBoltChecked opens the bbolt file at path and checks it, turning
// faults and panics into errors.
func openBoltChecked(path string) (*bolt.DB, error) {
	if err := checkMetaFile(path); err != nil {
		return nil, metaDamaged(path, err)
	}
	type result struct {
		db  *bolt.DB
		err error
	}
	done := make(chan result, 1)
	go func() {
		var db *bolt.DB
		defer func() {
			if p := recover(); p != nil {
				// A half-opened DB cannot be closed safely; the process is
				// about to stop with this error anyway.
				done <- result{nil, metaDamaged(path, fmt.Errorf("reading it failed: %v", p))}
			}
		}()
		debug.SetPanicOnFault(true)
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
		if err != nil {
			if errors.Is(err, bolterrors.ErrTimeout) {
				done <- result{nil, err}
				return
			}
			done <- result{nil, metaDamaged(path, err)}
			return
		}
		if err := checkBolt(db); err != nil {
			db.Close()
			done <- result{nil, metaDamaged(path, err)}
			return
		}
		done <- result{db, nil}
	}()
	r := <-done
	return r.db, r.err
}

// checkBolt runs bbolt's consistency check over every page.
func checkBolt(db *bolt.DB) error {
	var problems []string
	err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			if len(problems) < 5 {
				problems = append(problems, err.Error())
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("its consistency check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

// metaDamaged words a damaged metadata file's error with what to do.
func metaDamaged(path string, cause error) error {
	return fmt.Errorf("%w: %s: %v. Sluice will not start on it; the streams' records are in files of their "+
		"own and are left as they are. Either restore meta.db from a backup (see docs/operations.md), or move "+
		"the damaged file aside (mv %s %s.damaged) and start Sluice: it starts without metadata and keeps every "+
		"stream's records in quarantine; then stop it, run `sluice recover --restore all`, and start it again "+
		"to restore them from the metadata kept beside them",
		ErrMetaDamaged, path, cause, path, path)
}
