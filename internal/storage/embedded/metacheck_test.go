package embedded_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

// metaFile makes a data directory whose meta.db holds keys keys and a
// nested bucket, closed cleanly, and returns the bytes of meta.db.
func metaFile(t testing.TB, keys int) []byte {
	dir := t.TempDir()
	b, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		err := b.Meta().Update(context.Background(), func(tx storage.MetaTx) error {
			return tx.Put(fmt.Sprintf("streams/000000000000/us-east-1/s%03d", i), []byte(strings.Repeat("v", 100+i)))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// openWithMeta opens a data directory whose meta.db holds data.
func openWithMeta(t testing.TB, data []byte) (*embedded.Backend, error) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "meta.db"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return embedded.Open(embedded.Options{Dir: dir})
}

// TestDamagedMetaFile damages meta.db the ways a disk or an operator would:
// Open refuses with ErrMetaDamaged naming the file and what to do, and
// never crashes (bbolt alone dies of SIGBUS on a cut file and panics on a
// damaged page).
func TestDamagedMetaFile(t *testing.T) {
	good := metaFile(t, 200)
	page := int(binary.LittleEndian.Uint32(good[16+8:]))
	// The pages in use: the high-water mark of the newer meta page.
	used := 0
	var txid uint64
	for _, off := range []int{16, page + 16} {
		if tx := binary.LittleEndian.Uint64(good[off+48:]); tx >= txid {
			txid, used = tx, int(binary.LittleEndian.Uint64(good[off+40:]))*page
		}
	}
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"cut to one page", func(b []byte) []byte { return b[:page] }},
		{"cut in half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"last page in use cut off", func(b []byte) []byte { return b[:used-page] }},
		{"both meta pages zeroed", func(b []byte) []byte { clear(b[:2*page]); return b }},
		{"both meta checksums flipped", func(b []byte) []byte { b[16+56] ^= 1; b[page+16+56] ^= 1; return b }},
		{"data pages zeroed", func(b []byte) []byte { clear(b[2*page:]); return b }},
		{"a data page overwritten", func(b []byte) []byte {
			for i := 4 * page; i < 5*page; i++ {
				b[i] = byte(i * 7)
			}
			return b
		}},
		{"garbage", func(b []byte) []byte { return []byte(strings.Repeat("not a database ", 1000)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := openWithMeta(t, tc.damage(append([]byte(nil), good...)))
			if err == nil {
				b.Close()
				t.Fatal("Open succeeded on a damaged meta.db")
			}
			if !errors.Is(err, embedded.ErrMetaDamaged) {
				t.Fatalf("Open = %v, want ErrMetaDamaged", err)
			}
			for _, want := range []string{"meta.db", "sluice recover", "backup"} {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("the error does not say %q: %v", want, err)
				}
			}
		})
	}
	t.Run("one meta page damaged is fine", func(t *testing.T) {
		b := append([]byte(nil), good...)
		b[16+56] ^= 1
		be, err := openWithMeta(t, b)
		if err != nil {
			t.Fatalf("Open with one good meta page: %v", err)
		}
		be.Close()
	})
	t.Run("empty file is a new store", func(t *testing.T) {
		be, err := openWithMeta(t, nil)
		if err != nil {
			t.Fatal(err)
		}
		be.Close()
	})
}

// FuzzOpenMeta opens arbitrary bytes as meta.db: Open either works or
// returns an error; it never crashes the process.
func FuzzOpenMeta(f *testing.F) {
	good := metaFile(f, 12)
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte{})
	f.Add(good[:4096*4])
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := openWithMeta(t, data)
		if err == nil {
			b.Close()
		}
	})
}
