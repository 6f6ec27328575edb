package sql

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bigApplication builds about size bytes of valid application code from
// the golden applications, each copy with its own stream and pump names
// (the _N suffix), as a customer's largest application would be: KDA caps
// code at 100 KB.
func bigApplication(tb testing.TB, size int) string {
	files, _ := filepath.Glob("testdata/apps/*.sql")
	var apps []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		apps = append(apps, strings.TrimSpace(string(b)))
	}
	var b strings.Builder
	for n := 0; b.Len() < size; n++ {
		app := apps[n%len(apps)]
		app = strings.ReplaceAll(app, `_STREAM"`, fmt.Sprintf(`_STREAM_%d"`, n))
		app = strings.ReplaceAll(app, `_PUMP"`, fmt.Sprintf(`_PUMP_%d"`, n))
		b.WriteString(app)
		b.WriteString(";\n\n")
	}
	return b.String()
}

// BenchmarkParse100KB parses a 100 KB application, KDA's largest.
func BenchmarkParse100KB(b *testing.B) {
	code := bigApplication(b, 100*1024)
	b.SetBytes(int64(len(code)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(code); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate100KB validates the parsed 100 KB application.
func BenchmarkValidate100KB(b *testing.B) {
	app, err := Parse(bigApplication(b, 100*1024))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ValidateAll(app, nil)
	}
}

// TestParse100KBFast keeps the parse of the largest application well under
// the 100 ms budget of CreateApplication's validation, with room for a
// slow, shared machine (and the race detector).
func TestParse100KBFast(t *testing.T) {
	code := bigApplication(t, 100*1024)
	start := time.Now()
	app, err := Parse(code)
	if err != nil {
		t.Fatal(err)
	}
	ValidateAll(app, nil)
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("parsing and validating %d bytes took %v", len(code), d)
	}
}
