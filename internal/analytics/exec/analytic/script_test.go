package analytic

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the output sections of the golden scripts in testdata from the current output")

// A script is an application with fixed input, in the format of package
// exec's golden scripts (its script_test.go), run through exec.Compile
// with this package's functions:
//
//	# comment
//	-- env --
//	date 2018-08-01                       the day of times written HH:MM:SS
//	seed 42                               the seed given to Funcs (default 1)
//	digits 6                              DOUBLEs printed to 6 significant digits
//	stream SOURCE_SQL_STREAM_001 kinesis  a source (kinesis, firehose or none for system columns)
//	  TICKER_SYMBOL VARCHAR(4)            its columns, one a line
//	output DESTINATION_SQL_STREAM         a stream to record (all streams if none)
//	-- code --
//	CREATE OR REPLACE STREAM ...
//	-- input --
//	20:17:30 SOURCE_SQL_STREAM_001 | AMZN | 2018-08-01 20:17:20.797   a row
//	advance 20:19:00                                               Advance
//	-- output --
//	DESTINATION_SQL_STREAM 20:18:30.000 | AMZN | 6
//	-- expect --
//	rows the output must have, in order, worked out apart from the code
//
// digits exists for RANDOM_CUT_FOREST's scores, whose last digits a
// compiler that fuses multiply-adds (not amd64's) may change.
type script struct {
	name    string
	date    string
	seed    uint64
	digits  int
	env     exec.Env
	code    string
	input   []scriptStep
	outputs map[string]bool
	output  string
	expect  []string
}

type scriptStep struct {
	advance bool
	time    int64
	stream  string
	vals    []string
	line    int
}

func readScript(t testing.TB, path string) *script {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseScript(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	s.name = path
	return s
}

func parseScript(text string) (*script, error) {
	s := &script{date: "1970-01-01", seed: 1, outputs: map[string]bool{}}
	section := ""
	var code, output strings.Builder
	var cur *exec.Stream
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
				s.expect = append(s.expect, l)
			}
			continue
		}
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		switch section {
		case "env":
			f := strings.Fields(trimmed)
			indented := strings.HasPrefix(l, " ")
			switch {
			case !indented && f[0] == "date":
				s.date = f[1]
			case !indented && f[0] == "seed":
				n, err := strconv.ParseUint(f[1], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				s.seed = n
			case !indented && f[0] == "digits":
				n, err := strconv.Atoi(f[1])
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				s.digits = n
			case !indented && f[0] == "stream":
				st := exec.Stream{Name: f[1]}
				if len(f) > 2 {
					switch f[2] {
					case "kinesis":
						st.System = exec.KinesisSystemColumns()
					case "firehose":
						st.System = exec.FirehoseSystemColumns()
					}
				}
				s.env.Streams = append(s.env.Streams, st)
				cur = &s.env.Streams[len(s.env.Streams)-1]
			case !indented && f[0] == "output":
				s.env.Outputs = append(s.env.Outputs, f[1])
				s.outputs[f[1]] = true
			case indented && cur != nil:
				typ, err := value.ParseType(strings.Join(f[1:], " "))
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				cur.Columns = append(cur.Columns, exec.Column{Name: f[0], Type: typ})
			default:
				return nil, fmt.Errorf("line %d: unknown env line %q", line, l)
			}
		case "input":
			if rest, ok := strings.CutPrefix(trimmed, "advance "); ok {
				ms, err := s.time(rest)
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				s.input = append(s.input, scriptStep{advance: true, time: ms, line: line})
				continue
			}
			head, vals, _ := strings.Cut(trimmed, "|")
			hf := strings.Fields(head)
			if len(hf) < 2 {
				return nil, fmt.Errorf("line %d: want TIME STREAM | values", line)
			}
			ms, err := s.time(strings.Join(hf[:len(hf)-1], " "))
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			s.input = append(s.input, scriptStep{time: ms, stream: hf[len(hf)-1], vals: splitValues(vals), line: line})
		}
	}
	s.code, s.output = code.String(), output.String()
	s.env.TableFuncs = Funcs(s.seed)
	return s, nil
}

func splitValues(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func (s *script) time(text string) (int64, error) {
	text = strings.TrimSpace(text)
	if !strings.Contains(text, "-") {
		text = s.date + " " + text
	}
	v, err := value.ParseTimestamp(text)
	if err != nil {
		return 0, err
	}
	return v.Int64(), nil
}

func parseValue(text string, t value.Type) (value.Value, error) {
	if text == "NULL" {
		return value.Null(), nil
	}
	if t.Kind.IsString() {
		return value.Cast(value.NewVarchar(strings.Trim(text, "'")), t)
	}
	return value.Cast(value.NewVarchar(text), t)
}

// runner runs a script's steps, recording the output rows.
type runner struct {
	t    testing.TB
	s    *script
	p    *exec.Program
	out  []string
	mute bool
}

// newRunner compiles the script; a compile error is returned (the
// script's expected output may be that error).
func newRunner(t testing.TB, s *script) (*runner, error) {
	t.Helper()
	app, err := sql.Parse(s.code)
	if err != nil {
		return nil, err
	}
	p, err := exec.Compile(app, s.env)
	if err != nil {
		return nil, err
	}
	r := &runner{t: t, s: s, p: p}
	for _, st := range p.Streams() {
		if st.Source || len(s.outputs) > 0 && !s.outputs[st.Name] {
			continue
		}
		name := st.Name
		if _, err := p.Subscribe(name, func(rows []exec.Row) {
			if r.mute {
				return
			}
			for _, row := range rows {
				r.out = append(r.out, s.formatRow(name, row))
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return r, nil
}

func (r *runner) step(st scriptStep) {
	r.t.Helper()
	if st.advance {
		if err := r.p.Advance(st.time); err != nil {
			r.t.Fatal(err)
		}
		return
	}
	info, ok := r.p.Stream(st.stream)
	if !ok {
		r.t.Fatalf("%s:%d: no stream %s", r.s.name, st.line, st.stream)
	}
	texts := st.vals
	system := r.s.systemOf(st.stream)
	if len(texts) == len(info.Columns)-len(system) {
		texts = append(append([]string(nil), texts...), systemValues(system, st)...)
	}
	if len(texts) != len(info.Columns) {
		r.t.Fatalf("%s:%d: %d values for %d columns", r.s.name, st.line, len(texts), len(info.Columns))
	}
	vals := make([]value.Value, len(texts))
	for i, text := range texts {
		v, err := parseValue(text, info.Columns[i].Type)
		if err != nil {
			r.t.Fatalf("%s:%d: column %s: %v", r.s.name, st.line, info.Columns[i].Name, err)
		}
		vals[i] = v
	}
	if err := r.p.Push(st.stream, []exec.Row{{Time: st.time, Values: vals}}); err != nil {
		r.t.Fatal(err)
	}
}

func (s *script) systemOf(stream string) []exec.Column {
	for _, st := range s.env.Streams {
		if st.Name == stream {
			return st.System
		}
	}
	return nil
}

func systemValues(system []exec.Column, st scriptStep) []string {
	var out []string
	for _, c := range system {
		switch c.Name {
		case "APPROXIMATE_ARRIVAL_TIME":
			out = append(out, value.NewTimestamp(st.time).String())
		case "PARTITION_KEY":
			out = append(out, "pk")
		case "SEQUENCE_NUMBER":
			out = append(out, fmt.Sprint(st.line))
		default:
			out = append(out, "shardId-000000000000")
		}
	}
	return out
}

// formatRow writes a row as the output section does.
func (s *script) formatRow(stream string, r exec.Row) string {
	var b strings.Builder
	b.WriteString(stream + " " + value.NewTimestamp(r.Time).String())
	for _, v := range r.Values {
		b.WriteString(" | ")
		if s.digits > 0 && v.Kind() == value.KindDouble {
			f := v.Float64()
			if f != 0 && !math.IsInf(f, 0) && !math.IsNaN(f) {
				f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', s.digits, 64), 64)
			}
			v = value.NewDouble(f)
		}
		b.WriteString(v.String())
	}
	b.WriteString("\n")
	return b.String()
}

// run runs the whole script.
func (s *script) run(t testing.TB) (string, error) {
	r, err := newRunner(t, s)
	if err != nil {
		return "", err
	}
	for _, st := range s.input {
		r.step(st)
	}
	return strings.Join(r.out, ""), nil
}

func scripts(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "apps", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/apps: %v", err)
	}
	return files
}

// TestGoldenApps runs every script of testdata/apps (the developer guide's
// P3 example applications and the reference's examples, with fixed input
// and clock) and compares the rows with the script's output section;
// -rewrite writes the current output instead. The expect section's rows,
// worked out by hand, must be in the output whatever -rewrite does.
func TestGoldenApps(t *testing.T) {
	for _, path := range scripts(t) {
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

func checkExpect(t *testing.T, s *script, got string) {
	t.Helper()
	lines := strings.Split(got, "\n")
	i := 0
	for _, want := range s.expect {
		for i < len(lines) && lines[i] != want {
			i++
		}
		if i == len(lines) {
			t.Errorf("%s: the output lacks the expected row (or has it out of order):\n%s", s.name, want)
			return
		}
		i++
	}
}

// TestReplayFromLowWatermark checks, for the scripts whose functions
// replay exactly (all but RANDOM_CUT_FOREST's, see the package doc), the
// executor's promise at every point of the input: a fresh program fed the
// input from the LowWatermark on, its output until the checkpoint dropped,
// emits what the original emitted after the checkpoint.
func TestReplayFromLowWatermark(t *testing.T) {
	for _, path := range scripts(t) {
		s := readScript(t, path)
		if strings.HasPrefix(s.output, "error:") || strings.Contains(s.code, "RANDOM_CUT_FOREST") {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			for k := range s.input {
				orig, err := newRunner(t, s)
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range s.input[:k+1] {
					orig.step(st)
				}
				w := orig.p.LowWatermark()
				before := len(orig.out)
				for _, st := range s.input[k+1:] {
					orig.step(st)
				}
				want := strings.Join(orig.out[before:], "")
				re, err := newRunner(t, s)
				if err != nil {
					t.Fatal(err)
				}
				re.mute = true
				for _, st := range s.input[:k+1] {
					if st.time >= w {
						re.step(st)
					}
				}
				re.mute = false
				for _, st := range s.input[k+1:] {
					re.step(st)
				}
				if got := strings.Join(re.out, ""); got != want {
					t.Fatalf("checkpoint after input line %d (watermark %s): the replay emits\n%s\nthe original\n%s",
						s.input[k].line, value.NewTimestamp(w), got, want)
				}
			}
		})
	}
}
