package exec

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// A script is a test application with fixed input, in a small text format
// (testdata/apps/*.txt):
//
//	# comment
//	-- env --
//	date 2018-08-01                       the day of times written HH:MM:SS
//	start 20:17:00                        Env.Start
//	stream SOURCE_SQL_STREAM_001 kinesis  a source (kinesis, firehose or none for system columns)
//	  TICKER_SYMBOL VARCHAR(4)            its columns, one a line
//	table CompanyName                     a reference table
//	  Ticker VARCHAR(4)
//	  row AMZN | Amazon                   a row, values separated by |
//	output DESTINATION_SQL_STREAM         a stream to record (all streams if none)
//	-- code --
//	CREATE OR REPLACE STREAM ...
//	-- input --
//	20:17:30 SOURCE_SQL_STREAM_001 | AMZN | 2018-08-01 20:17:20.797   a row
//	advance 20:19:00                                               Advance
//	-- output --
//	DESTINATION_SQL_STREAM 20:18:30.000 | 2018-08-01 20:17:20.797 | AMZN | 6
//
// Values are written as CAST from their text would read them; NULL is
// NULL, and sys(...) gives a source row's system columns when they are not
// listed (arrival time = ROWTIME, partition key "pk", sequence number
// "1", shard "shardId-000000000000").
type script struct {
	name    string
	date    string
	env     Env
	code    string
	input   []scriptStep
	outputs map[string]bool
	output  string // the -- output -- section as written
	// expect are lines the output must contain, in order: the rows the
	// guide's own result tables show, checked apart from the output
	// section so that -rewrite cannot change them.
	expect []string
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
	s := &script{date: "1970-01-01", outputs: map[string]bool{}}
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
			case !indented && f[0] == "start":
				ms, err := s.time(strings.Join(f[1:], " "))
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				s.env.Start = ms
			case !indented && f[0] == "stream":
				st := Stream{Name: f[1]}
				if len(f) > 2 {
					switch f[2] {
					case "kinesis":
						st.System = KinesisSystemColumns()
					case "firehose":
						st.System = FirehoseSystemColumns()
					}
				}
				s.env.Streams = append(s.env.Streams, st)
				curStream, curTable = &s.env.Streams[len(s.env.Streams)-1], nil
			case !indented && f[0] == "table":
				s.env.Tables = append(s.env.Tables, Table{Name: f[1]})
				curTable, curStream = &s.env.Tables[len(s.env.Tables)-1], nil
			case !indented && f[0] == "output":
				s.env.Outputs = append(s.env.Outputs, f[1])
				s.outputs[f[1]] = true
			case indented && f[0] == "row" && curTable != nil:
				vals, err := parseValues(splitValues(strings.TrimPrefix(trimmed, "row")), curTable.Columns)
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				curTable.Rows = append(curTable.Rows, vals)
			case indented:
				name := f[0]
				typ, err := value.ParseType(strings.Join(f[1:], " "))
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				c := Column{Name: name, Type: typ}
				if curStream != nil {
					curStream.Columns = append(curStream.Columns, c)
				} else if curTable != nil {
					curTable.Columns = append(curTable.Columns, c)
				}
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

// time reads 20:17:30, 20:17:30.250 or a full timestamp.
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

func parseValues(texts []string, cols []Column) ([]value.Value, error) {
	if len(texts) != len(cols) {
		return nil, fmt.Errorf("%d values for %d columns", len(texts), len(cols))
	}
	vals := make([]value.Value, len(cols))
	for i, t := range texts {
		v, err := parseValue(t, cols[i].Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %v", cols[i].Name, err)
		}
		vals[i] = v
	}
	return vals, nil
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

// run compiles and runs a script, returning the output rows as text.
func (s *script) run(t testing.TB) (string, error) {
	t.Helper()
	app, err := sql.Parse(s.code)
	if err != nil {
		return "", err
	}
	p, err := Compile(app, s.env)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	record := func(name string) func([]Row) {
		return func(rows []Row) {
			for _, r := range rows {
				out.WriteString(formatRow(name, r))
			}
		}
	}
	for _, st := range p.Streams() {
		if st.Source || len(s.outputs) > 0 && !s.outputs[st.Name] {
			continue
		}
		if _, err := p.Subscribe(st.Name, record(st.Name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range s.input {
		if step.advance {
			if err := p.Advance(step.time); err != nil {
				t.Fatal(err)
			}
			continue
		}
		info, ok := p.Stream(step.stream)
		if !ok {
			t.Fatalf("%s:%d: no stream %s", s.name, step.line, step.stream)
		}
		texts := step.vals
		if len(texts) == len(info.Columns)-len(s.systemOf(step.stream)) {
			texts = append(append([]string(nil), texts...), s.systemValues(step)...)
		}
		vals, err := parseValues(texts, info.Columns)
		if err != nil {
			t.Fatalf("%s:%d: %v", s.name, step.line, err)
		}
		if err := p.Push(step.stream, []Row{{Time: step.time, Values: vals}}); err != nil {
			t.Fatal(err)
		}
	}
	return out.String(), nil
}

func (s *script) systemOf(stream string) []Column {
	for _, st := range s.env.Streams {
		if st.Name == stream {
			return st.System
		}
	}
	return nil
}

func (s *script) systemValues(step scriptStep) []string {
	var out []string
	for _, c := range s.systemOf(step.stream) {
		switch c.Name {
		case "APPROXIMATE_ARRIVAL_TIME":
			out = append(out, fmtTime(step.time))
		case "PARTITION_KEY":
			out = append(out, "pk")
		case "SEQUENCE_NUMBER":
			out = append(out, fmt.Sprint(step.line))
		default:
			out = append(out, "shardId-000000000000")
		}
	}
	return out
}

// formatRow writes a row as the output section does.
func formatRow(stream string, r Row) string {
	var b strings.Builder
	b.WriteString(stream + " " + timeOfDay(r.Time))
	for _, v := range r.Values {
		b.WriteString(" | ")
		b.WriteString(v.String())
	}
	b.WriteString("\n")
	return b.String()
}

// timeOfDay prints a ROWTIME, with its date when not the script's.
func timeOfDay(ms int64) string {
	return value.NewTimestamp(ms).String()
}
