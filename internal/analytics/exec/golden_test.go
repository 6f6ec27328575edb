package exec

import (
	"testing"

	"sluice/internal/analytics/exec/exectest"
)

// TestGoldenApps runs every script of testdata/apps (the AWS developer
// guide's example applications, and the note's, with fixed input rows and
// clock) and compares the rows each output stream receives with the
// script's output section. -rewrite writes the current output instead.
func TestGoldenApps(t *testing.T) {
	for _, path := range exectest.Files(t) {
		t.Run(exectest.TestName(path), func(t *testing.T) {
			s := readScript(t, path)
			got, err := s.run(t)
			if err != nil {
				got = "error: " + err.Error() + "\n"
			}
			exectest.Check(t, s.Script, got)
		})
	}
}
