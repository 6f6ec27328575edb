package vfs

import (
	"errors"
	"io"
	"path/filepath"
)

// ErrTooLarge is returned by ReadFile for a file over its limit.
var ErrTooLarge = errors.New("vfs: file too large")

// TmpSuffix ends the name of a file being written by WriteFileAtomic.
// Code that owns a directory may remove such files at start.
const TmpSuffix = ".tmp"

// WriteFileAtomic replaces the file at path with data durably: it writes
// path+TmpSuffix, fsyncs it, renames it over path and fsyncs the directory,
// so that path holds either its old contents or data, whole, after a crash.
func WriteFileAtomic(fsys FS, path string, data []byte) error {
	tmp := path + TmpSuffix
	f, err := fsys.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := fsys.Rename(tmp, path); err != nil {
		return err
	}
	return fsys.SyncDir(filepath.Dir(path))
}

// ReadFile reads the whole file at path, refusing one larger than limit
// bytes with ErrTooLarge.
func ReadFile(fsys FS, path string, limit int64) ([]byte, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	if size > limit {
		return nil, ErrTooLarge
	}
	b := make([]byte, size)
	n, err := f.ReadAt(b, 0)
	if n == len(b) {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}
