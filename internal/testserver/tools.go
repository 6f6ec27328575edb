package testserver

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the repository's root (the directory holding go.mod of
// module sluice), for tests that run files kept outside Go packages, such as
// test/js.
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if mod, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil && bytes.HasPrefix(mod, []byte("module sluice\n")) {
			return root
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatal("cannot find the repository root (go.mod of module sluice) above the working directory")
		}
		root = parent
	}
}

// Missing reports a tool a test needs and does not find: the test fails
// when the environment variable require is set (as `make test` sets it, after
// installing the tool), and is skipped otherwise.
func Missing(t testing.TB, require, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(require) != "" {
		t.Fatal(msg + " (make test-tools installs it)")
	}
	t.Skip(msg)
}
