package vfs

import (
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
)

// Op names a filesystem operation, for [Injector].
type Op uint8

// The operations an Injector sees. File operations carry the file's name.
const (
	OpCreate Op = iota
	OpOpenReadWrite
	OpOpen
	OpRemove
	OpRemoveAll
	OpRename // name is the old name
	OpMkdirAll
	OpList
	OpStat
	OpSyncDir
	OpWrite // Write and WriteAt
	OpReadAt
	OpSync
	OpTruncate
	OpSize
	OpClose
)

var opNames = [...]string{
	OpCreate: "create", OpOpenReadWrite: "open-rw", OpOpen: "open", OpRemove: "remove",
	OpRemoveAll: "removeall", OpRename: "rename", OpMkdirAll: "mkdirall", OpList: "list",
	OpStat: "stat", OpSyncDir: "syncdir", OpWrite: "write", OpReadAt: "readat",
	OpSync: "sync", OpTruncate: "truncate", OpSize: "size", OpClose: "close",
}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", o)
}

// ErrInjected is the error returned by injectors built with FailNth.
var ErrInjected = errors.New("vfs: injected error")

// Injector is called before every operation of a filesystem built with
// WithInjector. A non-nil result fails the operation with that error, without
// performing it. An Injector may also count, delay or record operations, or
// simulate a crash. It must be safe for concurrent use.
type Injector func(op Op, name string) error

// WithInjector wraps fsys so that inj sees every operation first.
func WithInjector(fsys FS, inj Injector) FS { return &injectFS{fs: fsys, inj: inj} }

// FailNth returns an Injector that fails the nth (1-based) operation op, and
// only that one, with ErrInjected.
func FailNth(op Op, n int64) Injector {
	var count atomic.Int64
	return func(o Op, name string) error {
		if o == op && count.Add(1) == n {
			return &fs.PathError{Op: o.String(), Path: name, Err: ErrInjected}
		}
		return nil
	}
}

type injectFS struct {
	fs  FS
	inj Injector
}

func (f *injectFS) wrap(file File, err error, name string) (File, error) {
	if err != nil {
		return nil, err
	}
	return &injectFile{f: file, inj: f.inj, name: name}, nil
}

func (f *injectFS) Create(name string) (File, error) {
	if err := f.inj(OpCreate, name); err != nil {
		return nil, err
	}
	file, err := f.fs.Create(name)
	return f.wrap(file, err, name)
}

func (f *injectFS) OpenReadWrite(name string) (File, error) {
	if err := f.inj(OpOpenReadWrite, name); err != nil {
		return nil, err
	}
	file, err := f.fs.OpenReadWrite(name)
	return f.wrap(file, err, name)
}

func (f *injectFS) Open(name string) (File, error) {
	if err := f.inj(OpOpen, name); err != nil {
		return nil, err
	}
	file, err := f.fs.Open(name)
	return f.wrap(file, err, name)
}

func (f *injectFS) Remove(name string) error {
	if err := f.inj(OpRemove, name); err != nil {
		return err
	}
	return f.fs.Remove(name)
}

func (f *injectFS) RemoveAll(name string) error {
	if err := f.inj(OpRemoveAll, name); err != nil {
		return err
	}
	return f.fs.RemoveAll(name)
}

func (f *injectFS) Rename(oldname, newname string) error {
	if err := f.inj(OpRename, oldname); err != nil {
		return err
	}
	return f.fs.Rename(oldname, newname)
}

func (f *injectFS) MkdirAll(dir string, perm fs.FileMode) error {
	if err := f.inj(OpMkdirAll, dir); err != nil {
		return err
	}
	return f.fs.MkdirAll(dir, perm)
}

func (f *injectFS) List(dir string) ([]string, error) {
	if err := f.inj(OpList, dir); err != nil {
		return nil, err
	}
	return f.fs.List(dir)
}

func (f *injectFS) Stat(name string) (fs.FileInfo, error) {
	if err := f.inj(OpStat, name); err != nil {
		return nil, err
	}
	return f.fs.Stat(name)
}

func (f *injectFS) SyncDir(dir string) error {
	if err := f.inj(OpSyncDir, dir); err != nil {
		return err
	}
	return f.fs.SyncDir(dir)
}

type injectFile struct {
	f    File
	inj  Injector
	name string
}

func (f *injectFile) Write(p []byte) (int, error) {
	if err := f.inj(OpWrite, f.name); err != nil {
		return 0, err
	}
	return f.f.Write(p)
}

func (f *injectFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.inj(OpWrite, f.name); err != nil {
		return 0, err
	}
	return f.f.WriteAt(p, off)
}

func (f *injectFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.inj(OpReadAt, f.name); err != nil {
		return 0, err
	}
	return f.f.ReadAt(p, off)
}

func (f *injectFile) Sync() error {
	if err := f.inj(OpSync, f.name); err != nil {
		return err
	}
	return f.f.Sync()
}

func (f *injectFile) Truncate(size int64) error {
	if err := f.inj(OpTruncate, f.name); err != nil {
		return err
	}
	return f.f.Truncate(size)
}

func (f *injectFile) Size() (int64, error) {
	if err := f.inj(OpSize, f.name); err != nil {
		return 0, err
	}
	return f.f.Size()
}

func (f *injectFile) Close() error {
	if err := f.inj(OpClose, f.name); err != nil {
		// The caller will not retry Close: release the handle anyway.
		f.f.Close()
		return err
	}
	return f.f.Close()
}
