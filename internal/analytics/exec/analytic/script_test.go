package analytic

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/exec/exectest"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// A script is a golden script in package exectest's format, run through
// exec.Compile with this package's functions. Its env section may also
// say
//
//	seed 42                               the seed given to Funcs (default 1)
//	digits 6                              DOUBLEs printed to 6 significant digits
//
// digits exists for RANDOM_CUT_FOREST's scores, whose last digits a
// compiler that fuses multiply-adds (not amd64's) may change.
type script struct {
	*exectest.Script
	seed   uint64
	digits int
	env    exec.Env
}

func readScript(t testing.TB, path string) *script {
	t.Helper()
	s := &script{seed: 1}
	s.Script = exectest.Read(t, path, s.envLine)
	s.env = exec.Env{Start: s.Start, Outputs: s.Outputs, TableFuncs: Funcs(s.seed)}
	for _, st := range s.Streams {
		var system []exec.Column
		switch st.System {
		case "kinesis":
			system = exec.KinesisSystemColumns()
		case "firehose":
			system = exec.FirehoseSystemColumns()
		}
		s.env.Streams = append(s.env.Streams, exec.Stream{Name: st.Name, Columns: exectest.Columns[exec.Column](st.Columns), System: system})
	}
	if len(s.Tables) > 0 {
		t.Fatalf("%s: reference tables are for package exec's scripts", path)
	}
	return s
}

// envLine reads the env lines of this package's scripts.
func (s *script) envLine(key string, args []string) (bool, error) {
	var err error
	switch key {
	case "seed":
		s.seed, err = strconv.ParseUint(args[0], 10, 64)
	case "digits":
		s.digits, err = strconv.Atoi(args[0])
	default:
		return false, nil
	}
	return true, err
}

// runner runs a script's steps, recording the output rows.
type runner struct {
	t   testing.TB
	s   *script
	p   *exec.Program
	out []string
}

// newRunner compiles the script; a compile error is returned (the
// script's expected output may be that error).
func newRunner(t testing.TB, s *script) (*runner, error) {
	t.Helper()
	app, err := sql.Parse(s.Code)
	if err != nil {
		return nil, err
	}
	p, err := exec.Compile(app, s.env)
	if err != nil {
		return nil, err
	}
	r := &runner{t: t, s: s, p: p}
	for _, st := range p.Streams() {
		if st.Source || !s.Records(st.Name) {
			continue
		}
		name := st.Name
		if _, err := p.Subscribe(name, func(rows []exec.Row) {
			for _, row := range rows {
				r.out = append(r.out, s.formatRow(name, row))
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return r, nil
}

func (r *runner) Out() []string { return r.out }

func (r *runner) LowWatermark() int64 { return r.p.LowWatermark() }

func (r *runner) Step(st exectest.Step) {
	r.t.Helper()
	if st.Advance {
		if err := r.p.Advance(st.Time); err != nil {
			r.t.Fatal(err)
		}
		return
	}
	info, ok := r.p.Stream(st.Stream)
	if !ok {
		r.t.Fatalf("%s:%d: no stream %s", r.s.Name, st.Line, st.Stream)
	}
	vals, err := exectest.RowValues(st, info.Columns, r.s.systemOf(st.Stream))
	if err != nil {
		r.t.Fatalf("%s:%d: %v", r.s.Name, st.Line, err)
	}
	if err := r.p.Push(st.Stream, []exec.Row{{Time: st.Time, Values: vals}}); err != nil {
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

// formatRow writes a row as the output section does, DOUBLEs rounded to
// the script's digits.
func (s *script) formatRow(stream string, r exec.Row) string {
	vals := r.Values
	if s.digits > 0 {
		vals = make([]value.Value, len(r.Values))
		for i, v := range r.Values {
			if v.Kind() == value.KindDouble {
				f := v.Float64()
				if f != 0 && !math.IsInf(f, 0) && !math.IsNaN(f) {
					f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', s.digits, 64), 64)
				}
				v = value.NewDouble(f)
			}
			vals[i] = v
		}
	}
	return exectest.FormatRow(stream, r.Time, vals)
}

// run runs the whole script.
func (s *script) run(t testing.TB) (string, error) {
	r, err := newRunner(t, s)
	if err != nil {
		return "", err
	}
	for _, st := range s.Input {
		r.Step(st)
	}
	return strings.Join(r.out, ""), nil
}

// TestGoldenApps runs every script of testdata/apps (the developer guide's
// P3 example applications and the reference's examples, with fixed input
// and clock) and compares the rows with the script's output section;
// -rewrite writes the current output instead. The expect section's rows,
// worked out by hand, must be in the output whatever -rewrite does.
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

// TestReplayFromLowWatermark checks, for the scripts whose functions
// replay exactly (all but RANDOM_CUT_FOREST's, see the package doc), the
// executor's promise at every point of the input: a fresh program fed the
// input from the LowWatermark on, its output until the checkpoint dropped,
// emits what the original emitted after the checkpoint.
func TestReplayFromLowWatermark(t *testing.T) {
	for _, path := range exectest.Files(t) {
		s := readScript(t, path)
		if strings.HasPrefix(s.Output, "error:") || strings.Contains(s.Code, "RANDOM_CUT_FOREST") {
			continue
		}
		t.Run(exectest.TestName(path), func(t *testing.T) {
			start := func() exectest.Run {
				r, err := newRunner(t, s)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			exectest.CheckReplay(t, s.Script, start, func(exectest.Run) exectest.Run { return start() })
		})
	}
}
