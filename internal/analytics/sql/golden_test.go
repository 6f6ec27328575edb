package sql

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files in testdata from the current output")

// checkGolden compares got with the golden file, or rewrites the file.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *rewrite {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -rewrite to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (go test -rewrite updates it):\n--- got ---\n%s", path, got)
	}
}

func readSQL(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var schemaLine = regexp.MustCompile(`^-- schema: (stream|table) (\S+) \((.*)\)\s*$`)

// schemaOf reads the input schema a test file declares in its header:
//
//	-- schema: stream SOURCE_SQL_STREAM_001 (TICKER_SYMBOL, SECTOR, CHANGE, PRICE)
//	-- schema: table CompanyName (Ticker, Company)
//
// It returns nil when the file declares none.
func schemaOf(src string) *Schema {
	var s *Schema
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		m := schemaLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if s == nil {
			s = &Schema{Streams: map[string][]string{}, Tables: map[string][]string{}}
		}
		var cols []string
		for _, c := range strings.Split(m[3], ",") {
			if c = strings.TrimSpace(c); c != "" {
				cols = append(cols, c)
			}
		}
		if m[1] == "stream" {
			s.Streams[m[2]] = cols
		} else {
			s.Tables[m[2]] = cols
		}
	}
	return s
}

// TestGoldenApps parses every application of testdata/apps (the AWS
// developer guide's examples, and applications that use every construct
// of the dialect), and compares the tree, its canonical SQL and what
// Validate says about it with the golden file. The canonical SQL must
// parse back to the same tree.
func TestGoldenApps(t *testing.T) {
	files, err := filepath.Glob("testdata/apps/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no applications in testdata/apps: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".sql"), func(t *testing.T) {
			src := readSQL(t, file)
			app, err := Parse(src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			canonical := Format(app)
			again, err := Parse(canonical)
			if err != nil {
				t.Fatalf("the canonical SQL does not parse: %v\n%s", err, canonical)
			}
			if shape(again) != shape(app) {
				t.Errorf("the canonical SQL parses to another tree:\n%s", canonical)
			}
			var b strings.Builder
			b.WriteString("== validate ==\n")
			b.WriteString(validationReport(app, schemaOf(src)))
			b.WriteString("== canonical ==\n")
			b.WriteString(canonical)
			b.WriteString("== ast ==\n")
			b.WriteString(dump(app, true))
			checkGolden(t, strings.TrimSuffix(file, ".sql")+".golden", b.String())
		})
	}
}

// validationReport is "ok", or Validate's findings one per line.
func validationReport(app *Application, s *Schema) string {
	errs := ValidateAll(app, s)
	if len(errs) == 0 {
		return "ok\n"
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Msg)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestGoldenErrors checks the exact message, with its line and column, for
// each faulty application of testdata/errors: the parser's message, or
// when the code parses, Validate's first one (against the schema in the
// file's header).
func TestGoldenErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in testdata/errors: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".sql"), func(t *testing.T) {
			src := readSQL(t, file)
			app, err := Parse(src)
			if err == nil {
				err = Validate(app, schemaOf(src))
			}
			if err == nil {
				t.Fatalf("no error")
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T, not *Error", err)
			}
			if !strings.Contains(e.Msg, "line ") {
				t.Errorf("message without a position: %s", e.Msg)
			}
			checkPosition(t, src, e)
			checkGolden(t, strings.TrimSuffix(file, ".sql")+".golden", e.Msg+"\n")
		})
	}
}

// checkPosition checks that an error's line, column and offset agree with
// each other and lie within the code.
func checkPosition(t *testing.T, src string, e *Error) {
	t.Helper()
	if e.Offset < 0 || e.Offset > len(src) {
		t.Fatalf("offset %d outside the code (%d bytes)", e.Offset, len(src))
	}
	line, col := positionOf(src, e.Offset)
	if line != e.Line || col != e.Column {
		t.Errorf("offset %d is line %d, column %d; the error says line %d, column %d", e.Offset, line, col, e.Line, e.Column)
	}
}
