package exectest

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the output sections of the golden scripts in testdata from the current output")

// A Script is a golden script, as Parse reads it.
type Script struct {
	Name    string // the file, once Read
	Date    string // the day of times written HH:MM:SS
	Start   int64  // the start line's time (Env.Start)
	Streams []Stream
	Tables  []Table
	Outputs []string // the output lines' streams, in order
	Code    string
	Input   []Step
	Output  string // the -- output -- section as written
	// Expect are lines the output must contain, in order: rows worked
	// out apart from the code (such as the guide's own result tables),
	// checked apart from the output section so that -rewrite cannot
	// change them.
	Expect []string
}

// Column is a column of a stream or table: exec.Column's shape.
type Column struct {
	Name string
	Type value.Type
}

// columnShape is satisfied by exec.Column, which this package cannot name.
type columnShape interface {
	~struct {
		Name string
		Type value.Type
	}
}

// Stream is a source stream of the env section.
type Stream struct {
	Name    string
	System  string // "kinesis", "firehose" or "" (no system columns)
	Columns []Column
}

// Table is a reference table of the env section, with its rows.
type Table struct {
	Name    string
	Columns []Column
	Rows    [][]value.Value
}

// Step is a line of the input section: a row or an advance.
type Step struct {
	Advance bool
	Time    int64
	Stream  string
	Vals    []string // the row's values as written
	Line    int
}

// Read reads and parses the script at path, failing the test on an error.
func Read(t testing.TB, path string, extra func(key string, args []string) (bool, error)) *Script {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(string(b), extra)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	s.Name = path
	return s
}

// Parse reads a script. extra, if not nil, is given the env section's
// unindented lines Parse does not know (split into fields, the first the
// key) and reports whether it knew the line.
func Parse(text string, extra func(key string, args []string) (bool, error)) (*Script, error) {
	s := &Script{Date: "1970-01-01"}
	section := ""
	var code, output strings.Builder
	var curStream *Stream
	var curTable *Table
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") && !strings.Contains(l[3:len(l)-3], " ") {
			section = l[3 : len(l)-3]
			continue
		}
		switch section {
		case "code":
			code.WriteString(l + "\n")
			continue
		case "output":
			output.WriteString(l + "\n")
			continue
		case "expect":
			if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#") {
				s.Expect = append(s.Expect, l)
			}
			continue
		}
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		var err error
		switch section {
		case "env":
			err = s.envLine(l, &curStream, &curTable, extra)
		case "input":
			err = s.inputLine(trimmed, line)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
	}
	s.Code, s.Output = code.String(), output.String()
	return s, nil
}

func (s *Script) envLine(l string, curStream **Stream, curTable **Table, extra func(string, []string) (bool, error)) error {
	f := strings.Fields(l)
	if strings.HasPrefix(l, " ") {
		switch {
		case f[0] == "row" && *curTable != nil:
			tb := *curTable
			vals, err := ParseValues(SplitValues(strings.TrimPrefix(strings.TrimSpace(l), "row")), tb.Columns)
			if err != nil {
				return err
			}
			tb.Rows = append(tb.Rows, vals)
			return nil
		case *curStream != nil || *curTable != nil:
			typ, err := value.ParseType(strings.Join(f[1:], " "))
			if err != nil {
				return err
			}
			c := Column{Name: f[0], Type: typ}
			if *curStream != nil {
				(*curStream).Columns = append((*curStream).Columns, c)
			} else {
				(*curTable).Columns = append((*curTable).Columns, c)
			}
			return nil
		}
		return fmt.Errorf("unknown env line %q", l)
	}
	switch f[0] {
	case "date":
		s.Date = f[1]
	case "start":
		ms, err := s.Time(strings.Join(f[1:], " "))
		if err != nil {
			return err
		}
		s.Start = ms
	case "stream":
		st := Stream{Name: f[1]}
		if len(f) > 2 {
			st.System = f[2]
		}
		s.Streams = append(s.Streams, st)
		*curStream, *curTable = &s.Streams[len(s.Streams)-1], nil
	case "table":
		s.Tables = append(s.Tables, Table{Name: f[1]})
		*curTable, *curStream = &s.Tables[len(s.Tables)-1], nil
	case "output":
		s.Outputs = append(s.Outputs, f[1])
	default:
		if extra != nil {
			if ok, err := extra(f[0], f[1:]); ok || err != nil {
				return err
			}
		}
		return fmt.Errorf("unknown env line %q", l)
	}
	return nil
}

func (s *Script) inputLine(trimmed string, line int) error {
	if rest, ok := strings.CutPrefix(trimmed, "advance "); ok {
		ms, err := s.Time(rest)
		if err != nil {
			return err
		}
		s.Input = append(s.Input, Step{Advance: true, Time: ms, Line: line})
		return nil
	}
	head, vals, _ := strings.Cut(trimmed, "|")
	hf := strings.Fields(head)
	if len(hf) < 2 {
		return fmt.Errorf("want TIME STREAM | values")
	}
	ms, err := s.Time(strings.Join(hf[:len(hf)-1], " "))
	if err != nil {
		return err
	}
	s.Input = append(s.Input, Step{Time: ms, Stream: hf[len(hf)-1], Vals: SplitValues(vals), Line: line})
	return nil
}

// Records reports whether the script records stream's rows: it has no
// output lines, or one names stream.
func (s *Script) Records(stream string) bool {
	if len(s.Outputs) == 0 {
		return true
	}
	for _, o := range s.Outputs {
		if o == stream {
			return true
		}
	}
	return false
}

// SplitValues splits values separated by |.
func SplitValues(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// Time reads 20:17:30, 20:17:30.250 (on the script's date) or a full
// timestamp.
func (s *Script) Time(text string) (int64, error) {
	text = strings.TrimSpace(text)
	if !strings.Contains(text, "-") {
		text = s.Date + " " + text
	}
	v, err := value.ParseTimestamp(text)
	if err != nil {
		return 0, err
	}
	return v.Int64(), nil
}

// ParseValues reads one value per column.
func ParseValues[C columnShape](texts []string, cols []C) ([]value.Value, error) {
	if len(texts) != len(cols) {
		return nil, fmt.Errorf("%d values for %d columns", len(texts), len(cols))
	}
	vals := make([]value.Value, len(cols))
	for i, t := range texts {
		c := Column(cols[i])
		v, err := ParseValue(t, c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %v", c.Name, err)
		}
		vals[i] = v
	}
	return vals, nil
}

// ParseValue reads a value as CAST from its text would; NULL is NULL, and
// a string may be quoted.
func ParseValue(text string, t value.Type) (value.Value, error) {
	if text == "NULL" {
		return value.Null(), nil
	}
	if t.Kind.IsString() {
		return value.Cast(value.NewVarchar(strings.Trim(text, "'")), t)
	}
	return value.Cast(value.NewVarchar(text), t)
}

// RowValues reads an input row of a stream with columns cols, of which
// the last system are its system columns: a row written without them gets
// SystemValues.
func RowValues[C columnShape](st Step, cols, system []C) ([]value.Value, error) {
	texts := st.Vals
	if len(texts) == len(cols)-len(system) {
		texts = append(append([]string(nil), texts...), SystemValues(system, st)...)
	}
	return ParseValues(texts, cols)
}

// SystemValues gives a row's system columns: the arrival time is its
// ROWTIME, the partition key "pk", the sequence number its input line and
// the shard "shardId-000000000000".
func SystemValues[C columnShape](system []C, st Step) []string {
	var out []string
	for _, c := range system {
		switch Column(c).Name {
		case "APPROXIMATE_ARRIVAL_TIME":
			out = append(out, value.NewTimestamp(st.Time).String())
		case "PARTITION_KEY":
			out = append(out, "pk")
		case "SEQUENCE_NUMBER":
			out = append(out, fmt.Sprint(st.Line))
		default:
			out = append(out, "shardId-000000000000")
		}
	}
	return out
}

// Columns converts columns to exec.Column (or another of its shape).
func Columns[C columnShape](cols []Column) []C {
	out := make([]C, len(cols))
	for i, c := range cols {
		out[i] = C(c)
	}
	return out
}

// FormatRow writes a row as the output section does.
func FormatRow(stream string, time int64, vals []value.Value) string {
	var b strings.Builder
	b.WriteString(stream + " " + value.NewTimestamp(time).String())
	for _, v := range vals {
		b.WriteString(" | ")
		b.WriteString(v.String())
	}
	b.WriteString("\n")
	return b.String()
}

// Files lists the scripts of testdata/apps, failing the test if there are
// none.
func Files(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "apps", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/apps: %v", err)
	}
	return files
}

// TestName is a script's subtest name: its file's, less .txt.
func TestName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".txt")
}

// Check compares a script's output (a failed compile's "error: ..." line
// included) with its output section, after checking that it has the
// expect section's rows in order. With -rewrite it writes got as the
// output section instead (the expect section is still checked).
func Check(t *testing.T, s *Script, got string) {
	t.Helper()
	checkExpect(t, s, got)
	if *rewrite {
		b, err := os.ReadFile(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if i := strings.Index(text, "-- output --\n"); i >= 0 {
			text = text[:i]
		}
		if err := os.WriteFile(s.Name, []byte(text+"-- output --\n"+got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != s.Output {
		t.Errorf("output differs from %s (go test -rewrite updates it):\n--- got ---\n%s--- want ---\n%s", s.Name, got, s.Output)
	}
}

// checkExpect checks that the output has the script's expected lines, in
// order.
func checkExpect(t *testing.T, s *Script, got string) {
	t.Helper()
	lines := strings.Split(got, "\n")
	i := 0
	for _, want := range s.Expect {
		for i < len(lines) && lines[i] != want {
			i++
		}
		if i == len(lines) {
			t.Errorf("%s: the output lacks the expected row (or has it out of order):\n%s\n--- got ---\n%s", s.Name, want, got)
			return
		}
		i++
	}
}

// A Run is a harness's program for a script, fed an input step at a time.
type Run interface {
	Step(Step)
	Out() []string // the rows recorded so far, as FormatRow writes them
	LowWatermark() int64
}

// CheckReplay checks LowWatermark's promise at every point of a script's
// input: a fresh run fed the input from the watermark on, its output until
// the checkpoint dropped (as the runtime drops what it had committed),
// emits exactly what the original emitted after the checkpoint. start
// begins a run; replay begins the one that stands in for orig after a
// crash.
func CheckReplay(t *testing.T, s *Script, start func() Run, replay func(orig Run) Run) {
	t.Helper()
	for k := range s.Input {
		orig := start()
		for _, st := range s.Input[:k+1] {
			orig.Step(st)
		}
		w := orig.LowWatermark()
		before := len(orig.Out())
		for _, st := range s.Input[k+1:] {
			orig.Step(st)
		}
		want := strings.Join(orig.Out()[before:], "")
		re := replay(orig)
		for _, st := range s.Input[:k+1] {
			if st.Time >= w {
				re.Step(st)
			}
		}
		checkpoint := len(re.Out())
		for _, st := range s.Input[k+1:] {
			re.Step(st)
		}
		if got := strings.Join(re.Out()[checkpoint:], ""); got != want {
			t.Errorf("checkpoint after input line %d (watermark %s): the replay emits\n%s\nthe original\n%s",
				s.Input[k].Line, value.NewTimestamp(w), got, want)
		}
	}
}
