package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"sluice/internal/storage"
	"sluice/internal/vfs"
)

// Files a log directory holds for its owner (logstore.OwnerFiles).
const (
	manifestName  = "manifest.json"
	markRemoving  = "removing"
	markRestore   = "restore"
	maxManifest   = 64 << 20 // a stream of 10,000 shards describes itself in a few MB
	quarantineMsg = "a log has no metadata: it is kept in quarantine, not deleted; stop Sluice and run `sluice recover` to list and restore quarantined logs"
)

// Describe implements storage.RecordStore.
func (r *records) Describe(_ context.Context, id string, m storage.Manifest) error {
	if !validID(id) {
		return fmt.Errorf("embedded: invalid stream id %q", id)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	dir := filepath.Join(r.dir, id)
	path := filepath.Join(dir, manifestName)
	if old, err := vfs.ReadFile(r.opts.FS, path, maxManifest); err == nil && bytes.Equal(old, b) {
		return nil
	}
	if err := r.ensureDir(dir); err != nil {
		return err
	}
	return vfs.WriteFileAtomic(r.opts.FS, path, b)
}

// ensureDir creates a log's directory durably if it is missing.
func (r *records) ensureDir(dir string) error {
	if _, err := r.opts.FS.Stat(dir); err == nil {
		return nil
	}
	if err := r.opts.FS.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return r.opts.FS.SyncDir(r.dir)
}

// MarkRemoving implements storage.RecordStore.
func (r *records) MarkRemoving(_ context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("embedded: invalid stream id %q", id)
	}
	dir := filepath.Join(r.dir, id)
	if _, err := r.opts.FS.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil // nothing to remove
	}
	return vfs.WriteFileAtomic(r.opts.FS, filepath.Join(dir, markRemoving), []byte("removing\n"))
}

// removeMark removes a mark file of a log directory, durably.
func (r *records) removeMark(dir, mark string) error {
	err := r.opts.FS.Remove(filepath.Join(dir, mark))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.opts.FS.SyncDir(dir)
}

func (r *records) hasMark(dir, mark string) bool {
	_, err := r.opts.FS.Stat(filepath.Join(dir, mark))
	return err == nil
}

// Disown implements storage.RecordStore.
func (r *records) Disown(ctx context.Context, id string, adopt func(storage.Manifest) error) (storage.Disposition, error) {
	if !validID(id) {
		return 0, fmt.Errorf("embedded: invalid stream id %q", id)
	}
	dir := filepath.Join(r.dir, id)
	if r.hasMark(dir, markRemoving) {
		r.log.Info("finishing the removal of a deleted log", "log_id", id)
		return storage.Removed, r.Remove(ctx, id)
	}
	if r.hasMark(dir, markRestore) {
		err := r.adopt(dir, adopt)
		if err == nil {
			r.log.Info("restored a quarantined log: its metadata was written back from its manifest", "log_id", id)
			return storage.Adopted, r.removeMark(dir, markRestore)
		}
		r.log.Error("cannot restore a log from its manifest; it goes back to quarantine", "log_id", id, "err", err)
		if err := r.removeMark(dir, markRestore); err != nil {
			return 0, err
		}
	}
	to, err := r.quarantineLog(id)
	if err != nil {
		return 0, err
	}
	r.log.Error(quarantineMsg, "log_id", id, "path", to)
	return storage.Quarantined, nil
}

func (r *records) adopt(dir string, adopt func(storage.Manifest) error) error {
	m, err := readManifest(r.opts.FS, dir)
	if err != nil {
		return err
	}
	return adopt(m)
}

// readManifest reads and checks the manifest of a log directory.
func readManifest(fsys vfs.FS, dir string) (storage.Manifest, error) {
	var m storage.Manifest
	b, err := vfs.ReadFile(fsys, filepath.Join(dir, manifestName), maxManifest)
	if errors.Is(err, fs.ErrNotExist) {
		return m, errors.New("the log has no manifest (it was written by a Sluice older than manifests); restore meta.db from a backup instead")
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Key == "" || !json.Valid(m.Value) {
		return m, fmt.Errorf("the log's manifest is damaged: %s", filepath.Join(dir, manifestName))
	}
	return m, nil
}

// quarantineLog moves log id out of the way, to quarantine/<id> (or a
// name beside it if that is taken), durably, and returns where it went.
func (r *records) quarantineLog(id string) (string, error) {
	fsys := r.opts.FS
	if err := fsys.MkdirAll(r.quarantine, 0o700); err != nil {
		return "", err
	}
	if err := fsys.SyncDir(filepath.Dir(r.quarantine)); err != nil {
		return "", err
	}
	to := filepath.Join(r.quarantine, id)
	if _, err := fsys.Stat(to); err == nil {
		to = fmt.Sprintf("%s.%d", to, time.Now().UnixNano())
	}
	if err := fsys.Rename(filepath.Join(r.dir, id), to); err != nil {
		return "", err
	}
	if err := fsys.SyncDir(r.quarantine); err != nil {
		return "", err
	}
	return to, fsys.SyncDir(r.dir)
}

// unquarantine moves log id back from quarantine when its owner opens it
// (its metadata came back, from a backup of meta.db say) and it has no log
// in streams/. r.mu is held.
func (r *records) unquarantine(id string) error {
	fsys := r.opts.FS
	from := filepath.Join(r.quarantine, id)
	if _, err := fsys.Stat(from); err != nil {
		return nil
	}
	to := filepath.Join(r.dir, id)
	if _, err := fsys.Stat(to); err == nil {
		return nil
	}
	if err := fsys.Rename(from, to); err != nil {
		return err
	}
	if err := fsys.SyncDir(r.dir); err != nil {
		return err
	}
	r.log.Info("a quarantined log has its metadata again: moved back", "log_id", id)
	return fsys.SyncDir(r.quarantine)
}

// Health implements storage.RecordStore.
func (r *records) Health() storage.Health {
	var h storage.Health
	r.mu.Lock()
	for id, l := range r.logs {
		if since, err := l.Failure(); err != nil {
			h.Failing = append(h.Failing, storage.LogFailure{ID: id, Since: since, Err: err})
		}
		if n := l.Stats().Damaged; n > 0 {
			if h.Damaged == nil {
				h.Damaged = map[string]uint64{}
			}
			h.Damaged[id] = n
		}
	}
	for _, f := range r.broken {
		h.Failing = append(h.Failing, f)
	}
	r.mu.Unlock()
	if names, err := r.opts.FS.List(r.quarantine); err == nil {
		h.Quarantined = names
	}
	return h
}
