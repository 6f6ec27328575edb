package exec

import (
	"errors"
	"testing"

	"sluice/internal/analytics/value"
)

const tumblingCode = `CREATE OR REPLACE STREAM O (ticker VARCHAR(4), n BIGINT, hi DOUBLE);
CREATE PUMP P AS INSERT INTO O
  SELECT STREAM ticker, COUNT(*), MAX(price) FROM SOURCE_SQL_STREAM_001
  GROUP BY ticker, STEP(SOURCE_SQL_STREAM_001.ROWTIME BY INTERVAL '10' SECOND);`

func TestProgramAPI(t *testing.T) {
	p := compileT(t, tumblingCode, testEnv())
	infos := p.Streams()
	names := []string{}
	for _, s := range infos {
		names = append(names, s.Name)
	}
	if len(names) != 3 || names[0] != "SOURCE_SQL_STREAM_001" || names[1] != "O" || names[2] != "error_stream" {
		t.Fatalf("streams %v", names)
	}
	if !infos[0].Source || infos[1].Source || len(infos[0].Columns) != 8 || len(infos[2].Columns) != 7 {
		t.Errorf("infos %+v", infos)
	}
	if err := p.Push("O", nil); !errors.Is(err, ErrUnknownStream) {
		t.Errorf("Push into a created stream: %v", err)
	}
	if err := p.Push("NOPE", nil); !errors.Is(err, ErrUnknownStream) {
		t.Errorf("Push into no stream: %v", err)
	}
	if _, err := p.Subscribe("NOPE", func([]Row) {}); !errors.Is(err, ErrUnknownStream) {
		t.Errorf("Subscribe to no stream: %v", err)
	}
	calls := 0
	var reentered error
	cancel, err := p.Subscribe("O", func(rows []Row) {
		calls++
		reentered = p.Advance(1 << 40)
	})
	if err != nil {
		t.Fatal(err)
	}
	push(t, p, src(1000, "AMZN", 1, 1, 0), src(12000, "AMZN", 2, 1, 0))
	if calls != 1 || !errors.Is(reentered, ErrReentrant) {
		t.Errorf("calls %d, reentrant call: %v", calls, reentered)
	}
	cancel()
	if err := p.Advance(30000); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("called after cancel")
	}
	if p.Clock() != 30000 {
		t.Errorf("clock %d", p.Clock())
	}
	if err := p.Advance(20000); err != nil || p.Clock() != 30000 {
		t.Errorf("Advance back in time: %v, clock %d", err, p.Clock())
	}
}

// TestPushCopies checks that the program keeps nothing of the caller's
// rows: the runtime reuses its buffers.
func TestPushCopies(t *testing.T) {
	p := compileT(t, tumblingCode, testEnv())
	rec := record(t, p, "O")
	rows := []Row{src(1000, "AMZN", 1, 1, 0), src(2000, "TBV", 2, 1, 0)}
	push(t, p, rows...)
	for i := range rows {
		for j := range rows[i].Values {
			rows[i].Values[j] = value.NewVarchar("XXXX")
		}
	}
	if err := p.Advance(10000); err != nil {
		t.Fatal(err)
	}
	got := rec.rows["O"]
	if len(got) != 2 || got[0].Values[0].Str() != "AMZN" || got[1].Values[0].Str() != "TBV" || got[0].Time != 10000 {
		t.Fatalf("got %v", got)
	}
}

// TestSourcesShareAClock checks that a row behind the clock (another
// source went further) enters at the clock, and a row that goes back in
// its own stream is an error.
func TestSourcesShareAClock(t *testing.T) {
	env := testEnv()
	s2 := env.Streams[0]
	s2.Name = "SOURCE_SQL_STREAM_002"
	env.Streams = append(env.Streams, s2)
	p := compileT(t, `CREATE OR REPLACE STREAM O (t VARCHAR(4));
CREATE PUMP P1 AS INSERT INTO O SELECT STREAM ticker FROM SOURCE_SQL_STREAM_001;
CREATE PUMP P2 AS INSERT INTO O SELECT STREAM ticker FROM SOURCE_SQL_STREAM_002;`, env)
	rec := record(t, p, "O", "error_stream")
	push(t, p, src(5000, "A", 1, 1, 0))
	if err := p.Push("SOURCE_SQL_STREAM_002", []Row{src(3000, "B", 1, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	push(t, p, src(6000, "C", 1, 1, 0))
	got := rec.rows["O"]
	if len(got) != 3 || got[1].Time != 5000 || got[1].Values[0].Str() != "B" {
		t.Fatalf("got %v", got)
	}
	if len(rec.rows["error_stream"]) != 0 {
		t.Errorf("errors: %v", rec.rows["error_stream"])
	}
}
