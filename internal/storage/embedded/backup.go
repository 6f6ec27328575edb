package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sluice/internal/vfs"
)

// Backing up a running data directory.
//
// A copy of the directory taken while Sluice writes it (cp -a, rsync) can
// catch meta.db in the middle of a transaction: bbolt updates pages in
// place. Backup copies meta.db so that the copy is one committed
// transaction: bbolt never writes over a page of the newest committed
// transaction T until transaction T+2 has started, and T+1 must commit (a
// new meta page) first; so a copy made while the newest meta page stayed
// T holds T's whole tree. Backup reads the transaction ID, copies the
// file, reads it again and retries until they agree, then checks the copy.
//
// Then it copies everything else, meta.db first so that every log the
// copy's metadata names is copied after it: segments are append-only, so a
// segment copied while it grows just ends in a torn tail, which recovery
// cuts as after a crash; a segment that retention removes while the copy
// runs is skipped; a log created after meta.db was copied arrives without
// metadata and is quarantined when the copy starts, restorable with
// `sluice recover`. Every record acknowledged before Backup started is in
// the copy.

// BackupReport says what Backup copied.
type BackupReport struct {
	Files        int
	Bytes        int64
	MetaTxID     uint64 // the bbolt transaction the metadata copy holds
	MetaAttempts int    // copies of meta.db made until one was consistent
}

// Backup copies the data directory dataDir, which Sluice may be using,
// into out, which must not exist or be empty. Everything copied is synced
// before Backup returns.
func Backup(ctx context.Context, dataDir, out string) (BackupReport, error) {
	var rep BackupReport
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return rep, fmt.Errorf("backup: %s is not empty", out)
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return rep, err
	}
	src, err := filepath.Abs(dataDir)
	if err != nil {
		return rep, err
	}
	if abs, _ := filepath.Abs(out); strings.HasPrefix(abs+string(filepath.Separator), src+string(filepath.Separator)) {
		return rep, fmt.Errorf("backup: %s is inside the data directory %s", out, dataDir)
	}
	if err := backupMeta(ctx, filepath.Join(src, metaName), filepath.Join(out, metaName), &rep); err != nil {
		return rep, err
	}
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while we walked (retention, a deletion)
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(out, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o700)
		case rel == metaName || strings.HasSuffix(rel, vfs.TmpSuffix) || !d.Type().IsRegular():
			return nil
		}
		n, err := copyFile(path, to)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		rep.Files++
		rep.Bytes += n
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("backup: %w", err)
	}
	return rep, syncTree(out)
}

// backupMeta copies meta.db as one committed transaction.
func backupMeta(ctx context.Context, from, to string, rep *BackupReport) error {
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := to + vfs.TmpSuffix
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		before, err := boltTxID(from)
		if err != nil {
			return fmt.Errorf("backup: %s: %w", from, err)
		}
		if _, err := copyFile(from, tmp); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		after, err := boltTxID(from)
		if err != nil {
			return fmt.Errorf("backup: %s: %w", from, err)
		}
		copied, cerr := boltTxID(tmp)
		if before == after && copied == before && cerr == nil {
			db, err := openBoltChecked(tmp)
			if err != nil {
				return fmt.Errorf("backup: the copy of %s does not check: %w", from, err)
			}
			db.Close()
			rep.MetaTxID, rep.MetaAttempts = before, attempt
			return os.Rename(tmp, to)
		}
		if attempt == 100 {
			return fmt.Errorf("backup: %s changed during each of %d copies", from, attempt)
		}
		time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
	}
}

// boltTxID returns the transaction ID of the newest intact meta page of the
// bbolt file at path.
func boltTxID(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	b := make([]byte, boltPageHeader+boltMetaSize)
	if _, err := f.ReadAt(b, 0); err != nil {
		return 0, err
	}
	first, ok := parseBoltMeta(b[boltPageHeader:])
	if !ok {
		return 0, errors.New("its first meta page is not intact")
	}
	best := first.txid
	if _, err := f.ReadAt(b, int64(first.pageSize)); err == nil {
		if m, ok := parseBoltMeta(b[boltPageHeader:]); ok {
			best = max(best, m.txid)
		}
	}
	return best, nil
}

// copyFile copies the regular file from to to (0600), returning the bytes
// copied.
func copyFile(from, to string) (int64, error) {
	in, err := os.Open(from)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	return n, errors.Join(err, out.Close())
}

// syncTree fsyncs every directory under root, so that the copied files'
// names are durable (copyFile synced their contents).
func syncTree(root string) error {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return err
	})
	if err != nil {
		return err
	}
	slices.Reverse(dirs) // children first
	fsys := vfs.Default()
	for _, d := range dirs {
		if err := fsys.SyncDir(d); err != nil {
			return err
		}
	}
	return fsys.SyncDir(filepath.Dir(root))
}
