package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

func writeFile(t *testing.T, fsys FS, name, data string, sync bool) File {
	t.Helper()
	f, err := fsys.OpenReadWrite(name)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := f.Size()
	if _, err := f.WriteAt([]byte(data), n); err != nil {
		t.Fatal(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func readFile(t *testing.T, fsys FS, name string) (string, bool) {
	t.Helper()
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, _ := f.Size()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return string(b), true
}

func TestCrashCloneDropsUnsynced(t *testing.T) {
	type want struct {
		name    string
		content string
		exists  bool
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, m *MemFS)
		want  []want
	}{
		{
			name: "created but directory not synced",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "f", "data", true)
			},
			want: []want{{"f", "", false}},
		},
		{
			name: "synced file and directory",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "f", "data", true)
				m.SyncDir("/")
			},
			want: []want{{"f", "data", true}},
		},
		{
			name: "directory synced, data not",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "f", "data", false)
				m.SyncDir("/")
			},
			want: []want{{"f", "", true}},
		},
		{
			name: "appends after sync are dropped",
			setup: func(t *testing.T, m *MemFS) {
				f := writeFile(t, m, "f", "one", true)
				m.SyncDir("/")
				f.WriteAt([]byte("two"), 3)
			},
			want: []want{{"f", "one", true}},
		},
		{
			name: "truncate after sync is dropped",
			setup: func(t *testing.T, m *MemFS) {
				f := writeFile(t, m, "f", "onetwo", true)
				m.SyncDir("/")
				f.Truncate(3)
			},
			want: []want{{"f", "onetwo", true}},
		},
		{
			name: "rename without SyncDir keeps the old name",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "tmp", "new", true)
				writeFile(t, m, "state", "old", true)
				m.SyncDir("/")
				m.Rename("tmp", "state")
			},
			want: []want{{"state", "old", true}, {"tmp", "new", true}},
		},
		{
			name: "rename with SyncDir",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "state", "old", true)
				m.SyncDir("/")
				writeFile(t, m, "tmp", "new", true)
				m.Rename("tmp", "state")
				m.SyncDir("/")
			},
			want: []want{{"state", "new", true}, {"tmp", "", false}},
		},
		{
			name: "remove without SyncDir comes back",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "f", "data", true)
				m.SyncDir("/")
				m.Remove("f")
			},
			want: []want{{"f", "data", true}},
		},
		{
			name: "remove with SyncDir",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "f", "data", true)
				m.SyncDir("/")
				m.Remove("f")
				m.SyncDir("/")
			},
			want: []want{{"f", "", false}},
		},
		{
			name: "new directory needs its parent synced",
			setup: func(t *testing.T, m *MemFS) {
				m.MkdirAll("/d", 0o755)
				writeFile(t, m, "/d/f", "data", true)
				m.SyncDir("/d")
			},
			want: []want{{"/d/f", "", false}},
		},
		{
			name: "new directory with parent synced",
			setup: func(t *testing.T, m *MemFS) {
				m.MkdirAll("/d", 0o755)
				m.SyncDir("/")
				writeFile(t, m, "/d/f", "data", true)
				m.SyncDir("/d")
			},
			want: []want{{"/d/f", "data", true}},
		},
		{
			name: "RemoveAll without SyncDir comes back",
			setup: func(t *testing.T, m *MemFS) {
				m.MkdirAll("/d", 0o755)
				m.SyncDir("/")
				writeFile(t, m, "/d/f", "data", true)
				m.SyncDir("/d")
				m.RemoveAll("/d")
			},
			want: []want{{"/d/f", "data", true}},
		},
		{
			name: "Create truncation is not durable until Sync",
			setup: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "f", "data", true)
				m.SyncDir("/")
				f, _ := m.Create("f")
				f.Write([]byte("xy"))
			},
			want: []want{{"f", "data", true}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewCrashableMem()
			tc.setup(t, m)
			c := m.CrashClone()
			for _, w := range tc.want {
				got, ok := readFile(t, c, w.name)
				if ok != w.exists || got != w.content {
					t.Errorf("%s: got (%q, %v), want (%q, %v)", w.name, got, ok, w.content, w.exists)
				}
			}
			// A clone of a clone is the same: everything in it is durable.
			cc := c.CrashClone()
			for _, w := range tc.want {
				got, ok := readFile(t, cc, w.name)
				if ok != w.exists || got != w.content {
					t.Errorf("second clone %s: got (%q, %v)", w.name, got, ok)
				}
			}
		})
	}
}

func TestCrashCloneIndependentOfOriginal(t *testing.T) {
	m := NewCrashableMem()
	f := writeFile(t, m, "f", "abc", true)
	m.SyncDir("/")
	c := m.CrashClone()
	f.WriteAt([]byte("XYZ"), 0)
	f.Sync()
	if got, _ := readFile(t, c, "f"); got != "abc" {
		t.Fatalf("clone changed with the original: %q", got)
	}
	g, _ := c.OpenReadWrite("f")
	g.WriteAt([]byte("123"), 0)
	if got, _ := readFile(t, m, "f"); got != "XYZ" {
		t.Fatalf("original changed with the clone: %q", got)
	}
}

func TestHandleSurvivesRemove(t *testing.T) {
	m := NewCrashableMem()
	f := writeFile(t, m, "f", "abc", true)
	if err := m.Remove("f"); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 3)
	if _, err := f.ReadAt(b, 0); err != nil || string(b) != "abc" {
		t.Fatalf("ReadAt after remove = %q, %v", b, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("double Close = %v", err)
	}
	if _, err := f.ReadAt(b, 0); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("ReadAt after Close = %v", err)
	}
}

func TestCrashCloneTorn(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lengths := map[int]bool{}
	entries := map[string]bool{}
	for range 200 {
		m := NewCrashableMem()
		f := writeFile(t, m, "f", "synced.", true)
		writeFile(t, m, "old", "o", true)
		m.SyncDir("/")
		f.WriteAt([]byte("unsynced"), 7)
		writeFile(t, m, "new", "n", true)
		m.Remove("old")
		c := m.CrashCloneWith(CrashOptions{Rand: r})
		got, ok := readFile(t, c, "f")
		if !ok {
			t.Fatal("synced file lost")
		}
		if len(got) < 7 || got != "synced.unsynced"[:len(got)] {
			t.Fatalf("torn contents %q are not a prefix above the synced part", got)
		}
		lengths[len(got)] = true
		_, newOK := readFile(t, c, "new")
		_, oldOK := readFile(t, c, "old")
		entries["new"] = entries["new"] || newOK
		entries["!new"] = entries["!new"] || !newOK
		entries["old"] = entries["old"] || oldOK
		entries["!old"] = entries["!old"] || !oldOK
	}
	if len(lengths) != len("unsynced")+1 {
		t.Errorf("torn lengths seen: %v, want every one from 7 to 15", slices.Sorted(maps.Keys(lengths)))
	}
	if len(entries) != 4 {
		t.Errorf("unsynced directory changes did not go both ways: %v", entries)
	}
}

func TestCrashCloneCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	corrupted := false
	unsynced := bytes.Repeat([]byte{'u'}, 100)
	for range 100 {
		m := NewCrashableMem()
		f := writeFile(t, m, "f", "synced", true)
		m.SyncDir("/")
		f.WriteAt(unsynced, 6)
		got, _ := readFile(t, m.CrashCloneWith(CrashOptions{Rand: r, Corrupt: true}), "f")
		if len(got) < 6 || got[:6] != "synced" {
			t.Fatalf("synced part damaged: %q", got)
		}
		if !bytes.Equal([]byte(got[6:]), unsynced[:len(got)-6]) {
			corrupted = true
		}
	}
	if !corrupted {
		t.Error("Corrupt never changed the unsynced bytes")
	}
}

func TestInjector(t *testing.T) {
	var syncs int
	fsys := WithInjector(NewCrashableMem(), func(op Op, name string) error {
		if op == OpSync {
			syncs++
		}
		return FailNth(OpWrite, 2)(op, name) // a fresh counter each call: never fires
	})
	f, err := fsys.Create("f")
	if err != nil {
		t.Fatal(err)
	}
	f.Sync()
	f.Sync()
	if syncs != 2 {
		t.Fatalf("counted %d syncs", syncs)
	}

	fail := FailNth(OpWrite, 2)
	fsys = WithInjector(NewCrashableMem(), fail)
	f, _ = fsys.Create("f")
	for i, wantErr := range []bool{false, true, false} {
		_, err := f.Write([]byte("x"))
		if (err != nil) != wantErr || (err != nil && !errors.Is(err, ErrInjected)) {
			t.Fatalf("write %d: err = %v, want error %v", i+1, err, wantErr)
		}
	}
	if n, _ := f.Size(); n != 2 {
		t.Fatalf("failed write was performed: size %d", n)
	}
	if OpSyncDir.String() != "syncdir" || Op(200).String() != "Op(200)" {
		t.Fatal("Op.String")
	}
}
