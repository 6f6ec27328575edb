// Package vfs is the small filesystem interface that Sluice's storage code is
// written against, so that the same code runs on the real disk, on an
// in-memory filesystem that can simulate a crash, and on a wrapper that injects
// I/O errors.
//
// We hand-write it rather than import pebble's vfs: that package would pull
// cockroachdb/errors and several other modules into the build, and the log only
// needs about a dozen methods.
//
// Implementations:
//
//   - [Default] is the operating system's filesystem. [File.Sync] is
//     fdatasync(2) on Linux; [FS.SyncDir] fsyncs a directory.
//   - [NewCrashableMem] is an in-memory filesystem whose [MemFS.CrashClone]
//     returns what would survive a power cut: file contents as of each file's
//     last Sync, directory entries as of the directory's last SyncDir.
//   - [WithInjector] wraps any FS and lets a test fail, delay or count chosen
//     operations.
//
// Durability contract, as on Linux: data written to a file is durable once
// File.Sync returns; the creation, rename or removal of a file is durable once
// SyncDir of its parent directory returns. Code that relies on either must call
// them; the crashable filesystem drops whatever was not made durable.
package vfs

import (
	"io"
	"io/fs"
)

// File is an open file.
//
// Write writes at the handle's own offset (starting at 0); WriteAt and ReadAt
// take explicit offsets and may be used concurrently with each other. Do not
// mix Write and WriteAt on one handle.
type File interface {
	io.Writer
	io.WriterAt
	io.ReaderAt
	io.Closer
	// Sync makes the file's data durable (fdatasync on Linux). It does not
	// make the file's directory entry durable: see FS.SyncDir.
	Sync() error
	// Truncate changes the file's size.
	Truncate(size int64) error
	// Size returns the file's current size.
	Size() (int64, error)
}

// FS is a filesystem. Names are slash-separated paths as accepted by the
// path/filepath package on the host.
type FS interface {
	// Create creates the named file for reading and writing, truncating it if
	// it exists.
	Create(name string) (File, error)
	// OpenReadWrite opens the named file for reading and writing, creating it
	// if it does not exist. It never truncates.
	OpenReadWrite(name string) (File, error)
	// Open opens the named file read-only.
	Open(name string) (File, error)
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// RemoveAll removes a path and everything below it. A missing path is not
	// an error.
	RemoveAll(name string) error
	// Rename atomically replaces newname with oldname.
	Rename(oldname, newname string) error
	// MkdirAll creates a directory and any missing parents.
	MkdirAll(dir string, perm fs.FileMode) error
	// List returns the names of the entries of dir, sorted.
	List(dir string) ([]string, error)
	// Stat describes the named file.
	Stat(name string) (fs.FileInfo, error)
	// SyncDir makes the creations, renames and removals of dir's entries
	// durable.
	SyncDir(dir string) error
}
