package clustertest

import (
	"os"
	"testing"
)

// logTail is how much of a log a failed test prints.
const logTail = 64 << 10

// printLogOnFailure prints the end of the log file of name when t failed.
func printLogOnFailure(t testing.TB, name, path string) {
	if !t.Failed() {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		return
	}
	cut := ""
	if len(b) > logTail {
		b, cut = b[len(b)-logTail:], "…"
	}
	t.Logf("log of %s (%s):\n%s%s", name, path, cut, b)
}
