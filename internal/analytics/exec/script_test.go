package exec

import (
	"strings"
	"testing"

	"sluice/internal/analytics/exec/exectest"
	"sluice/internal/analytics/sql"
)

// A script is a golden script of testdata/apps/*.txt (package exectest
// describes the format) with the Env it declares.
type script struct {
	*exectest.Script
	env Env
}

func readScript(t testing.TB, path string) *script {
	t.Helper()
	s := exectest.Read(t, path, nil)
	return &script{Script: s, env: scriptEnv(s)}
}

// scriptEnv is the Env a script's env section declares.
func scriptEnv(s *exectest.Script) Env {
	env := Env{Start: s.Start, Outputs: s.Outputs}
	for _, st := range s.Streams {
		var system []Column
		switch st.System {
		case "kinesis":
			system = KinesisSystemColumns()
		case "firehose":
			system = FirehoseSystemColumns()
		}
		env.Streams = append(env.Streams, Stream{Name: st.Name, Columns: exectest.Columns[Column](st.Columns), System: system})
	}
	for _, tb := range s.Tables {
		env.Tables = append(env.Tables, Table{Name: tb.Name, Columns: exectest.Columns[Column](tb.Columns), Rows: tb.Rows})
	}
	return env
}

// run compiles and runs a script, returning the output rows as text.
func (s *script) run(t testing.TB) (string, error) {
	t.Helper()
	app, err := sql.Parse(s.Code)
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
		if st.Source || !s.Records(st.Name) {
			continue
		}
		if _, err := p.Subscribe(st.Name, record(st.Name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range s.Input {
		if step.Advance {
			if err := p.Advance(step.Time); err != nil {
				t.Fatal(err)
			}
			continue
		}
		info, ok := p.Stream(step.Stream)
		if !ok {
			t.Fatalf("%s:%d: no stream %s", s.Name, step.Line, step.Stream)
		}
		vals, err := exectest.RowValues(step, info.Columns, s.systemOf(step.Stream))
		if err != nil {
			t.Fatalf("%s:%d: %v", s.Name, step.Line, err)
		}
		if err := p.Push(step.Stream, []Row{{Time: step.Time, Values: vals}}); err != nil {
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

// formatRow writes a row as the output section does.
func formatRow(stream string, r Row) string {
	return exectest.FormatRow(stream, r.Time, r.Values)
}
