package embedded

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sluice/internal/storage"
	"sluice/internal/vfs"
)

// QuarantinedLog is a log kept in <data-dir>/quarantine because it was
// found without metadata (see package storage).
type QuarantinedLog struct {
	// Name is its directory's name under quarantine/: the log ID, with a
	// suffix if an earlier quarantine of the same log took that name.
	Name string
	ID   string
	Path string
	// Manifest is the metadata it keeps of itself, or nil with Problem
	// saying why it cannot be restored from it.
	Manifest *storage.Manifest
	Problem  string
	Bytes    int64 // of all its files
	Files    int
}

// ListQuarantined describes the quarantined logs of the data directory.
// It reads files only, so it may run while Sluice runs.
func ListQuarantined(dataDir string) ([]QuarantinedLog, error) {
	qdir := filepath.Join(dataDir, quarantineName)
	entries, err := os.ReadDir(qdir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []QuarantinedLog
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		q := QuarantinedLog{Name: e.Name(), ID: quarantinedID(e.Name()), Path: filepath.Join(qdir, e.Name())}
		if m, err := readManifest(vfs.Default(), q.Path); err != nil {
			q.Problem = err.Error()
		} else {
			q.Manifest = &m
		}
		filepath.WalkDir(q.Path, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					q.Bytes += info.Size()
					q.Files++
				}
			}
			return nil
		})
		out = append(out, q)
	}
	return out, nil
}

// quarantinedID strips the suffix quarantineLog adds to a taken name.
func quarantinedID(name string) string {
	id, _, _ := strings.Cut(name, ".")
	return id
}

// MarkForRestore moves the quarantined log named name back among the logs,
// marked to be restored: at the next start its owner writes its metadata
// back from its manifest, or, if it cannot (a stream of that name exists
// now, say), returns it to quarantine and says why in the log. Sluice must
// not be running (the running server would not notice until it restarts,
// and holds meta.db).
func MarkForRestore(dataDir, name string) error {
	if name != filepath.Base(name) || name == "." || name == ".." {
		return fmt.Errorf("no quarantined log named %q", name)
	}
	from := filepath.Join(dataDir, quarantineName, name)
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("no quarantined log named %q in %s", name, filepath.Join(dataDir, quarantineName))
	}
	if _, err := readManifest(vfs.Default(), from); err != nil {
		return err
	}
	id := quarantinedID(name)
	to := filepath.Join(dataDir, streamsName, id)
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("a log with ID %s exists already in %s", id, filepath.Join(dataDir, streamsName))
	}
	fsys := vfs.Default()
	if err := vfs.WriteFileAtomic(fsys, filepath.Join(from, markRestore), []byte("restore\n")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return err
	}
	if err := os.Rename(from, to); err != nil {
		return err
	}
	return errors.Join(fsys.SyncDir(filepath.Dir(to)), fsys.SyncDir(filepath.Dir(from)))
}
