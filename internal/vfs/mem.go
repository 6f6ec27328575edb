package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MemFS is an in-memory filesystem that remembers what is durable, so that a
// test can simulate a power cut with [MemFS.CrashClone].
//
// Each file keeps its current contents and its contents as of its last Sync.
// Each directory keeps its current entries and its entries as of its last
// SyncDir. The root directory always exists. Open handles keep working after
// their file is removed or renamed, as on Unix.
//
// All operations take one lock: MemFS is for tests, not for speed.
type MemFS struct {
	mu   sync.Mutex
	root *memNode
}

type memNode struct {
	dir bool

	// Files.
	data []byte // current contents
	// synced is the contents as of the last Sync. It may share data's
	// backing array: writes below len(synced) copy it first.
	synced []byte

	// Directories.
	children map[string]*memNode // current entries
	durable  map[string]*memNode // entries as of the last SyncDir
}

func newMemDir() *memNode {
	return &memNode{dir: true, children: map[string]*memNode{}, durable: map[string]*memNode{}}
}

// NewCrashableMem returns an empty in-memory filesystem.
func NewCrashableMem() *MemFS { return &MemFS{root: newMemDir()} }

// CrashOptions makes a crash less tidy than "exactly what was synced".
type CrashOptions struct {
	// Rand, when set, enables torn state: each file keeps a random prefix of
	// the bytes appended since its last Sync (anywhere from none to all of
	// them), and each directory entry created, renamed or removed since the
	// last SyncDir independently lands or not.
	Rand *rand.Rand
	// Corrupt, with Rand, overwrites some of the kept unsynced bytes with
	// garbage, as a power cut can leave on a filesystem that does not journal
	// data.
	Corrupt bool
}

// CrashClone returns a new filesystem holding only what was durable: each
// file's contents as of its last Sync, reachable through directory entries as
// of their directory's last SyncDir. Unsynced data and entries are dropped.
// The receiver is unchanged and stays usable.
func (m *MemFS) CrashClone() *MemFS { return m.CrashCloneWith(CrashOptions{}) }

// CrashCloneWith is CrashClone with torn state chosen by opts.
func (m *MemFS) CrashCloneWith(opts CrashOptions) *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &MemFS{root: cloneDurable(m.root, opts)}
}

func cloneDurable(n *memNode, opts CrashOptions) *memNode {
	if !n.dir {
		// Whatever a crash left on disk is durable in the clone.
		data := crashContents(n, opts)
		return &memNode{data: data, synced: data[:len(data):len(data)]}
	}
	entries := maps.Clone(n.durable)
	if opts.Rand != nil {
		// Entries that changed since the last SyncDir may or may not have
		// reached the disk, each on its own. Iterate in a fixed order so a
		// seeded Rand reproduces the same crash.
		names := slices.Sorted(maps.Keys(n.children))
		for name := range n.durable {
			if _, ok := n.children[name]; !ok {
				names = append(names, name)
			}
		}
		for _, name := range names {
			cur, ok := n.children[name]
			if n.durable[name] == cur || opts.Rand.IntN(2) == 0 {
				continue
			}
			if ok {
				entries[name] = cur
			} else {
				delete(entries, name)
			}
		}
	}
	c := newMemDir()
	for name, child := range entries {
		cc := cloneDurable(child, opts)
		c.children[name] = cc
		c.durable[name] = cc
	}
	return c
}

// crashContents returns what a crash leaves of file n.
func crashContents(n *memNode, opts CrashOptions) []byte {
	out := bytes.Clone(n.synced)
	if out == nil {
		out = []byte{}
	}
	r := opts.Rand
	if r == nil || len(n.data) <= len(n.synced) || !bytes.Equal(n.data[:len(n.synced)], n.synced) {
		// Only appends since the last Sync can be torn; anything else
		// falls back to the synced contents.
		return out
	}
	keep := len(n.synced) + r.IntN(len(n.data)-len(n.synced)+1)
	out = append(out, n.data[len(n.synced):keep]...)
	if opts.Corrupt && keep > len(n.synced) && r.IntN(2) == 0 {
		tail := out[len(n.synced):]
		start := r.IntN(len(tail))
		for i := start; i < len(tail) && i < start+64; i++ {
			tail[i] = byte(r.Uint32())
		}
	}
	return out
}

// split cleans name into path elements relative to the root.
func split(name string) []string {
	p := path.Clean("/" + strings.ReplaceAll(name, "\\", "/"))
	if p == "/" {
		return nil
	}
	return strings.Split(p[1:], "/")
}

// lookupDir returns the directory holding the last element of name, and that
// element. It must be called with m.mu held.
func (m *MemFS) lookupDir(op, name string) (*memNode, string, error) {
	parts := split(name)
	if len(parts) == 0 {
		return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	dir := m.root
	for _, p := range parts[:len(parts)-1] {
		next, ok := dir.children[p]
		if !ok {
			return nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		if !next.dir {
			return nil, "", &fs.PathError{Op: op, Path: name, Err: syscall.ENOTDIR}
		}
		dir = next
	}
	return dir, parts[len(parts)-1], nil
}

// lookup returns the node at name. It must be called with m.mu held.
func (m *MemFS) lookup(op, name string) (*memNode, error) {
	if len(split(name)) == 0 {
		return m.root, nil
	}
	dir, base, err := m.lookupDir(op, name)
	if err != nil {
		return nil, err
	}
	n, ok := dir.children[base]
	if !ok {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return n, nil
}

func (m *MemFS) openFile(op, name string, create, truncate, write bool) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir, base, err := m.lookupDir(op, name)
	if err != nil {
		return nil, err
	}
	n, ok := dir.children[base]
	switch {
	case !ok && !create:
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	case !ok:
		n = &memNode{}
		dir.children[base] = n
	case n.dir:
		return nil, &fs.PathError{Op: op, Path: name, Err: syscall.EISDIR}
	case truncate:
		n.data = n.data[:0:0]
	}
	return &memFile{fs: m, n: n, name: name, write: write}, nil
}

// Create implements FS.
func (m *MemFS) Create(name string) (File, error) {
	return m.openFile("create", name, true, true, true)
}

// OpenReadWrite implements FS.
func (m *MemFS) OpenReadWrite(name string) (File, error) {
	return m.openFile("open", name, true, false, true)
}

// Open implements FS.
func (m *MemFS) Open(name string) (File, error) {
	return m.openFile("open", name, false, false, false)
}

// Remove implements FS.
func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir, base, err := m.lookupDir("remove", name)
	if err != nil {
		return err
	}
	n, ok := dir.children[base]
	if !ok {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	if n.dir && len(n.children) > 0 {
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOTEMPTY}
	}
	delete(dir.children, base)
	return nil
}

// RemoveAll implements FS.
func (m *MemFS) RemoveAll(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir, base, err := m.lookupDir("removeall", name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	delete(dir.children, base)
	return nil
}

// Rename implements FS.
func (m *MemFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	odir, obase, err := m.lookupDir("rename", oldname)
	if err != nil {
		return err
	}
	n, ok := odir.children[obase]
	if !ok {
		return &fs.PathError{Op: "rename", Path: oldname, Err: fs.ErrNotExist}
	}
	ndir, nbase, err := m.lookupDir("rename", newname)
	if err != nil {
		return err
	}
	if old, ok := ndir.children[nbase]; ok && old.dir != n.dir {
		return &fs.PathError{Op: "rename", Path: newname, Err: syscall.EEXIST}
	}
	delete(odir.children, obase)
	ndir.children[nbase] = n
	return nil
}

// MkdirAll implements FS.
func (m *MemFS) MkdirAll(dir string, perm fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.root
	for _, p := range split(dir) {
		next, ok := n.children[p]
		if !ok {
			next = newMemDir()
			n.children[p] = next
		} else if !next.dir {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		n = next
	}
	return nil
}

// List implements FS.
func (m *MemFS) List(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookup("list", dir)
	if err != nil {
		return nil, err
	}
	if !n.dir {
		return nil, &fs.PathError{Op: "list", Path: dir, Err: syscall.ENOTDIR}
	}
	return slices.Sorted(maps.Keys(n.children)), nil
}

// Stat implements FS.
func (m *MemFS) Stat(name string) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	parts := split(name)
	base := "/"
	if len(parts) > 0 {
		base = parts[len(parts)-1]
	}
	return memInfo{name: base, size: int64(len(n.data)), dir: n.dir}, nil
}

// SyncDir implements FS.
func (m *MemFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookup("syncdir", dir)
	if err != nil {
		return err
	}
	if !n.dir {
		return &fs.PathError{Op: "syncdir", Path: dir, Err: syscall.ENOTDIR}
	}
	n.durable = maps.Clone(n.children)
	return nil
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

type memFile struct {
	fs     *MemFS
	n      *memNode
	name   string
	write  bool
	off    int64 // for Write
	closed bool
}

func (f *memFile) check(op string, write bool) error {
	if f.closed {
		return &fs.PathError{Op: op, Path: f.name, Err: fs.ErrClosed}
	}
	if write && !f.write {
		return &fs.PathError{Op: op, Path: f.name, Err: syscall.EBADF}
	}
	return nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	f.writeAt(p, f.off)
	f.off += int64(len(p))
	return len(p), nil
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: fs.ErrInvalid}
	}
	f.writeAt(p, off)
	return len(p), nil
}

func (f *memFile) writeAt(p []byte, off int64) {
	if off < int64(len(f.n.synced)) {
		f.n.synced = bytes.Clone(f.n.synced)
	}
	end := off + int64(len(p))
	if old := int64(len(f.n.data)); end > old {
		f.n.data = slices.Grow(f.n.data, int(end-old))[:end]
		clear(f.n.data[old:end])
	}
	copy(f.n.data[off:], p)
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("read", false); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: fs.ErrInvalid}
	}
	if off >= int64(len(f.n.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.n.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("sync", false); err != nil {
		return err
	}
	// Share the array: appends after this do not touch synced's bytes,
	// and writeAt copies synced before overwriting them.
	f.n.synced = f.n.data[:len(f.n.data):len(f.n.data)]
	if f.n.synced == nil {
		f.n.synced = []byte{}
	}
	return nil
}

func (f *memFile) Truncate(size int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("truncate", true); err != nil {
		return err
	}
	if size < 0 {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: fs.ErrInvalid}
	}
	if size <= int64(len(f.n.data)) {
		// Copy, so a clone or snapshot never shares the dropped tail.
		f.n.data = slices.Clone(f.n.data[:size])
	} else {
		f.n.data = append(f.n.data, make([]byte, size-int64(len(f.n.data)))...)
	}
	return nil
}

func (f *memFile) Size() (int64, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("stat", false); err != nil {
		return 0, err
	}
	return int64(len(f.n.data)), nil
}

func (f *memFile) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.check("close", false); err != nil {
		return err
	}
	f.closed = true
	return nil
}
