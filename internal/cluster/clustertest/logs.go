package clustertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// logTail is how much of a log a failed test prints.
const logTail = 64 << 10

// KeepLogs names the environment variable of a directory where the logs of
// a test's nodes and etcd members are copied whole when it ends (a failed
// test prints only their ends).
const KeepLogs = "SLUICE_CLUSTERTEST_LOGS"

// printLogOnFailure prints the end of the log file of name when t failed,
// and copies it whole to $SLUICE_CLUSTERTEST_LOGS if that is set.
func printLogOnFailure(t testing.TB, name, path string) {
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		return
	}
	if dir := os.Getenv(KeepLogs); dir != "" {
		keep := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "-").Replace(t.Name()+"-"+name)+".log")
		if err := os.MkdirAll(dir, 0o755); err == nil && os.WriteFile(keep, b, 0o644) == nil {
			t.Logf("log of %s kept in %s", name, keep)
		}
	}
	if !t.Failed() {
		return
	}
	cut := ""
	if len(b) > logTail {
		b, cut = b[len(b)-logTail:], "…"
	}
	t.Logf("log of %s (%s):\n%s%s", name, path, cut, b)
}
