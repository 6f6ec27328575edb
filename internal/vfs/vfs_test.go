package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
)

// TestConformance runs the same checks against the OS and the in-memory
// filesystems.
func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		fs   func(t *testing.T) (FS, string)
	}{
		{"os", func(t *testing.T) (FS, string) { return Default(), t.TempDir() }},
		{"mem", func(t *testing.T) (FS, string) { return NewCrashableMem(), "/data" }},
		{"mem-relative", func(t *testing.T) (FS, string) { return NewCrashableMem(), "data" }},
		{"injected", func(t *testing.T) (FS, string) {
			return WithInjector(NewCrashableMem(), func(Op, string) error { return nil }), "d"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys, root := tc.fs(t)
			testConformance(t, fsys, root)
		})
	}
}

func testConformance(t *testing.T, fsys FS, root string) {
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(root, "a", "b")
	must(fsys.MkdirAll(dir, 0o755))
	must(fsys.MkdirAll(dir, 0o755)) // idempotent

	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	must(err)
	if _, err := f.Write([]byte("hello ")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("world")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("W"), 6); err != nil {
		t.Fatal(err)
	}
	must(f.Sync())
	if n, err := f.Size(); err != nil || n != 11 {
		t.Fatalf("Size = %d, %v", n, err)
	}
	buf := make([]byte, 5)
	if n, err := f.ReadAt(buf, 6); err != nil || string(buf[:n]) != "World" {
		t.Fatalf("ReadAt = %q, %v", buf[:n], err)
	}
	if n, err := f.ReadAt(buf, 8); !errors.Is(err, io.EOF) || string(buf[:n]) != "rld" {
		t.Fatalf("short ReadAt = %q, %v", buf[:n], err)
	}
	must(f.Truncate(5))
	if n, _ := f.Size(); n != 5 {
		t.Fatalf("size after truncate = %d", n)
	}
	// Writing past the end leaves zeros in the gap.
	if _, err := f.WriteAt([]byte("!"), 7); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 8)
	if _, err := f.ReadAt(got, 0); err != nil {
		t.Fatal(err)
	}
	if want := []byte("hello\x00\x00!"); !bytes.Equal(got, want) {
		t.Fatalf("contents = %q, want %q", got, want)
	}
	must(f.Close())

	// OpenReadWrite does not truncate; Create does.
	f, err = fsys.OpenReadWrite(name)
	must(err)
	if n, _ := f.Size(); n != 8 {
		t.Fatalf("OpenReadWrite size = %d", n)
	}
	must(f.Close())
	st, err := fsys.Stat(name)
	must(err)
	if st.Size() != 8 || st.IsDir() || st.Name() != "f" {
		t.Fatalf("Stat = %v %v %v", st.Name(), st.Size(), st.IsDir())
	}

	// Open is read-only.
	f, err = fsys.Open(name)
	must(err)
	if _, err := f.Write([]byte("x")); err == nil {
		t.Fatal("Write on a read-only file succeeded")
	}
	must(f.Close())

	if _, err := fsys.Open(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open(missing) = %v, want ErrNotExist", err)
	}
	g, err := fsys.OpenReadWrite(filepath.Join(dir, "g"))
	must(err)
	must(g.Close())

	names, err := fsys.List(dir)
	must(err)
	if !slices.Equal(names, []string{"f", "g"}) {
		t.Fatalf("List = %v", names)
	}
	must(fsys.Rename(filepath.Join(dir, "g"), filepath.Join(dir, "h")))
	must(fsys.Rename(filepath.Join(dir, "h"), name)) // replaces f
	st, err = fsys.Stat(name)
	must(err)
	if st.Size() != 0 {
		t.Fatalf("renamed file size = %d", st.Size())
	}
	must(fsys.SyncDir(dir))
	must(fsys.Remove(name))
	if err := fsys.Remove(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("second Remove = %v", err)
	}
	if names, _ := fsys.List(dir); len(names) != 0 {
		t.Fatalf("List after remove = %v", names)
	}
	must(fsys.RemoveAll(filepath.Join(root, "a")))
	must(fsys.RemoveAll(filepath.Join(root, "a"))) // missing is fine
	if _, err := fsys.List(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("List(removed) = %v", err)
	}
}
