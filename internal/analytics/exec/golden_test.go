package exec

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the output sections of the golden scripts in testdata from the current output")

// TestGoldenApps runs every script of testdata/apps (the AWS developer
// guide's example applications, and the note's, with fixed input rows and
// clock) and compares the rows each output stream receives with the
// script's output section. -rewrite writes the current output instead.
func TestGoldenApps(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "apps", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/apps")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			s := readScript(t, path)
			got, err := s.run(t)
			if err != nil {
				got = "error: " + err.Error() + "\n"
			}
			checkExpect(t, s, got)
			if *rewrite {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				text := string(b)
				if i := strings.Index(text, "-- output --\n"); i >= 0 {
					text = text[:i]
				}
				if err := os.WriteFile(path, []byte(text+"-- output --\n"+got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != s.output {
				t.Errorf("output differs from %s (go test -rewrite updates it):\n--- got ---\n%s--- want ---\n%s", path, got, s.output)
			}
		})
	}
}

// checkExpect checks that the output has the script's expected lines, in
// order.
func checkExpect(t *testing.T, s *script, got string) {
	t.Helper()
	lines := strings.Split(got, "\n")
	i := 0
	for _, want := range s.expect {
		for i < len(lines) && lines[i] != want {
			i++
		}
		if i == len(lines) {
			t.Errorf("%s: the output lacks the guide's row (or has it out of order):\n%s\n--- got ---\n%s", s.name, want, got)
			return
		}
		i++
	}
}
