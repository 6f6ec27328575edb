package testserver

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FilesContaining reports which needles appear in any file under dir
// (the subdirectories of dir named in skip left out): the at-rest
// encryption tests look at the bytes on disk with it. A file removed
// during the walk is passed over.
func FilesContaining(t testing.TB, dir string, needles []string, skip ...string) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel, _ := filepath.Rel(dir, path); slices.Contains(skip, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				found[n] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
