package exec

import (
	"strings"
	"testing"

	"sluice/internal/analytics/exec/exectest"
	"sluice/internal/analytics/sql"
)

// runner runs a script's steps one at a time, recording each step's
// output rows.
type runner struct {
	t    *testing.T
	s    *script
	p    *Program
	out  []string // output rows, as formatRow writes them
	mute bool
}

func newRunner(t *testing.T, s *script, env Env) *runner {
	t.Helper()
	app, err := sql.Parse(s.Code)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(app, env)
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, s: s, p: p}
	for _, st := range p.Streams() {
		if st.Source {
			continue
		}
		name := st.Name
		if _, err := p.Subscribe(name, func(rows []Row) {
			if r.mute {
				return
			}
			for _, row := range rows {
				r.out = append(r.out, formatRow(name, row))
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *runner) Out() []string { return r.out }

func (r *runner) LowWatermark() int64 { return r.p.LowWatermark() }

func (r *runner) Step(st exectest.Step) {
	if st.Advance {
		if err := r.p.Advance(st.Time); err != nil {
			r.t.Fatal(err)
		}
		return
	}
	info, _ := r.p.Stream(st.Stream)
	vals, err := exectest.RowValues(st, info.Columns, r.s.systemOf(st.Stream))
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.p.Push(st.Stream, []Row{{Time: st.Time, Values: vals}}); err != nil {
		r.t.Fatal(err)
	}
}

// TestReplayFromLowWatermark checks LowWatermark's promise on every golden
// application at every point of its input: a fresh program fed the input
// from the watermark on (its output until the checkpoint dropped, as the
// runtime drops what it had committed) emits exactly what the original
// emitted after the checkpoint.
func TestReplayFromLowWatermark(t *testing.T) {
	for _, path := range exectest.Files(t) {
		s := readScript(t, path)
		if strings.HasPrefix(s.Output, "error:") {
			continue
		}
		t.Run(exectest.TestName(path), func(t *testing.T) {
			exectest.CheckReplay(t, s.Script,
				func() exectest.Run { return newRunner(t, s, s.env) },
				func(orig exectest.Run) exectest.Run {
					env := s.env
					env.Start = orig.(*runner).p.start
					return newRunner(t, s, env)
				})
		})
	}
}

// TestReplayFilterByOutput shows why a replay's output must be discarded
// by input position, or the replay must start earlier: a sliding count
// filtered on a small value, whose window the replay rebuilds only
// partly, emits a row between the last delivered row and the checkpoint
// that the original did not.
func TestReplayFilterByOutput(t *testing.T) {
	code := `CREATE OR REPLACE STREAM O (t VARCHAR(4), n BIGINT);
CREATE PUMP P AS INSERT INTO O SELECT STREAM ticker, n FROM (
  SELECT STREAM ticker, COUNT(*) OVER (RANGE INTERVAL '10' SECOND PRECEDING) AS n FROM SOURCE_SQL_STREAM_001)
  WHERE n <= 1;`
	run := func(rows []Row) []Row {
		p := compileT(t, code, testEnv())
		rec := record(t, p, "O")
		push(t, p, rows...)
		return rec.rows["O"]
	}
	all := []Row{src(0, "A", 1, 1, 0), src(1000, "B", 1, 1, 0), src(5000, "C", 1, 1, 0), src(12000, "D", 1, 1, 0)}
	p := compileT(t, code, testEnv())
	push(t, p, all...)
	w := p.LowWatermark()
	if w != 5000 {
		t.Fatalf("watermark %d, want 5000 (the window (2 s, 12 s] holds the rows of 5 s and 12 s)", w)
	}
	orig := run(all)
	if len(orig) != 1 || orig[0].Time != 0 {
		t.Fatalf("original: %v", orig)
	}
	// Replayed from 5 s, the row of 5 s sees a window of one row and
	// passes: a row after the last delivered one (0 s) that the original
	// never made. Discarding until the checkpoint (12 s) drops it.
	replay := run(all[2:])
	if len(replay) != 1 || replay[0].Time != 5000 {
		t.Fatalf("replay: %v", replay)
	}
}
