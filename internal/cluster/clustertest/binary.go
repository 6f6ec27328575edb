package clustertest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"sluice/internal/testserver"
)

// build is the sluice binary of this test process, built once.
var build struct {
	once sync.Once
	path string
	err  string
}

// Binary builds ./cmd/sluice of the repository the test runs in, once per
// test binary, and returns its path. The binary goes to a directory of
// the system's temporary directory named after the repository root, so
// runs replace it rather than pile up copies; a build failure fails every
// test that asks.
func Binary(t testing.TB) string {
	t.Helper()
	root := testserver.RepoRoot(t)
	build.once.Do(func() {
		sum := sha256.Sum256([]byte(root))
		dir := filepath.Join(os.TempDir(), "sluice-clustertest-"+hex.EncodeToString(sum[:6]))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			build.err = err.Error()
			return
		}
		tmp, err := os.CreateTemp(dir, "sluice-*.tmp")
		if err != nil {
			build.err = err.Error()
			return
		}
		tmp.Close()
		defer os.Remove(tmp.Name())
		cmd := exec.Command("go", "build", "-o", tmp.Name(), "./cmd/sluice")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = "go build ./cmd/sluice: " + err.Error() + "\n" + string(out)
			return
		}
		// Renaming over the previous binary leaves a process still running
		// it undisturbed.
		path := filepath.Join(dir, "sluice")
		if err := os.Rename(tmp.Name(), path); err != nil {
			build.err = err.Error()
			return
		}
		build.path = path
	})
	if build.path == "" {
		t.Fatalf("no sluice binary: %s", build.err)
	}
	return build.path
}
