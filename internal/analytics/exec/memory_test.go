package exec

import (
	"fmt"
	"testing"
)

// TestMemoryBounded runs each kind of window for a long time over keys
// that come and go, and checks that what the program holds follows the
// windows' contents, not the running time or the number of keys ever seen.
func TestMemoryBounded(t *testing.T) {
	p := compileT(t, `
CREATE OR REPLACE STREAM T (t VARCHAR(8), n BIGINT);
CREATE PUMP PT AS INSERT INTO T SELECT STREAM ticker, COUNT(*) FROM SOURCE_SQL_STREAM_001
  GROUP BY ticker, STEP(SOURCE_SQL_STREAM_001.ROWTIME BY INTERVAL '10' SECOND);
CREATE OR REPLACE STREAM G (t VARCHAR(8), n BIGINT);
CREATE PUMP PG AS INSERT INTO G SELECT STREAM ticker, COUNT(*) FROM SOURCE_SQL_STREAM_001
  WINDOWED BY STAGGER (PARTITION BY ticker RANGE INTERVAL '10' SECOND);
CREATE OR REPLACE STREAM S (t VARCHAR(8), x DOUBLE);
CREATE PUMP PS AS INSERT INTO S SELECT STREAM ticker, AVG(price) OVER (PARTITION BY ticker RANGE INTERVAL '10' SECOND PRECEDING)
  FROM SOURCE_SQL_STREAM_001;
CREATE OR REPLACE STREAM J (t VARCHAR(8), q INTEGER);
CREATE PUMP PJ AS INSERT INTO J SELECT STREAM a.ticker, b.qty FROM SOURCE_SQL_STREAM_001 AS a
  LEFT JOIN SOURCE_SQL_STREAM_001 OVER (RANGE INTERVAL '10' SECOND PRECEDING) AS b ON a.ticker = b.ticker AND a.qty = b.qty + 1;
CREATE OR REPLACE STREAM D (m TIMESTAMP, t VARCHAR(8));
CREATE PUMP PD AS INSERT INTO D SELECT STREAM DISTINCT FLOOR(ROWTIME TO SECOND), ticker FROM SOURCE_SQL_STREAM_001;
CREATE OR REPLACE STREAM O (t VARCHAR(8), x DOUBLE);
CREATE PUMP PO AS INSERT INTO O SELECT STREAM ticker, price FROM SOURCE_SQL_STREAM_001 ORDER BY FLOOR(ROWTIME TO SECOND), price;
`, testEnv())
	// 100,000 rows, 10 a second; each ticker lives for a minute, so
	// 1,000 tickers come and go and about 10 are alive at any time.
	const n = 100000
	var t0 int64 = 1_600_000_000_000
	batch := make([]Row, 0, 100)
	for i := 0; i < n; i++ {
		ts := t0 + int64(i)*100
		batch = append(batch, src(ts, fmt.Sprintf("K%04d", (i/600+i%10)%10000), float64(i%50), int32(i%7), ts))
		if len(batch) == cap(batch) {
			push(t, p, batch...)
			batch = batch[:0]
		}
	}
	held := 0
	for _, st := range p.states {
		switch s := st.(type) {
		case *groupStage:
			held += len(s.groups)
		case *slidingStage:
			for _, w := range s.windows {
				held += len(w.parts)
				for _, part := range w.parts {
					held += part.rows.len()
				}
			}
		case *streamJoinStage:
			for _, side := range s.sides {
				held += side.len() + len(side.index)
			}
		case *distinctStage:
			held += len(s.seen)
		case *orderStage:
			held += len(s.rows)
		}
	}
	// The windows are 10 seconds of 10 rows a second over ~10 keys: a few
	// hundred entries in all.
	if held > 2000 {
		t.Errorf("the program holds %d entries after %d rows; want a few hundred", held, n)
	}
	// Every stage's hold is within its window, but for the stagger window:
	// its windows have not all been closed at once since 60.9 s (the last
	// moment the keys' windows left a gap), so an exact replay starts
	// there (see Env.ReplayLimit).
	for _, st := range p.states {
		h, ok := st.held()
		if g, isGroup := st.(*groupStage); isGroup && g.stagger > 0 {
			if !ok || h != t0+60900 {
				t.Errorf("stagger window holds from %d, want the busy span's start %d", h-t0, 60900)
			}
			continue
		}
		if ok && p.Clock()-h > 20000 {
			t.Errorf("%T holds from %d ms before the clock, want within its 10-second window", st, p.Clock()-h)
		}
	}
	p.replayLimit = 60000
	if w := p.LowWatermark(); w != p.Clock()-60000 {
		t.Errorf("with a replay limit of a minute the watermark is %d ms behind", p.Clock()-w)
	}
}
