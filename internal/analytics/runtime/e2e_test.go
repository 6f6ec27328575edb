package runtime_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/testserver"
)

// The guide's continuous filter: started from NOW, it passes the ticks
// whose change is over 1% of the price, in order, as JSON records under the
// stream's column names.
func TestContinuousFilter(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 1)
	out := createStream(t, srv, "alerts", 1)
	createApp(t, c, "filter", filterCode, streamInput(in), streamOutput(out, kat.RecordFormatTypeJson))
	start(t, c, "filter", kat.InputStartingPositionNow)

	putTicks(t, srv, "ticks",
		tick{"QXZ", "HEALTHCARE", 5, 84.5},   // 6.3%: passes
		tick{"AAPL", "TECHNOLOGY", 0.5, 100}, // 0.5%: filtered out
		tick{"NFLX", "TECHNOLOGY", -2, 50},   // 3.8%: passes
	)
	got := newStreamReader(t, srv, "alerts").wait(2)
	want := []string{
		`{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":5.0,"PRICE":84.5}`,
		`{"TICKER_SYMBOL":"NFLX","SECTOR":"TECHNOLOGY","CHANGE":-2.0,"PRICE":50.0}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	stop(t, c, "filter")
}

// The guide's tumbling window, CSV out: one row per ticker and minute, when
// the minute is over, also on a quiet stream (the heartbeat closes it).
func TestTumblingWindow(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 2)
	out := createStream(t, srv, "minutes", 1)
	createApp(t, c, "window", tumblingCode, streamInput(in), streamOutput(out, kat.RecordFormatTypeCsv))
	start(t, c, "window", kat.InputStartingPositionNow)

	// Align the clock on a minute, then put ticks in two minutes.
	now := clock.Now()
	clock.Advance(now.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(now))
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 10}, tick{"BBB", "X", 1, 20})
	clock.Advance(10 * time.Second)
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 12}, tick{"AAA", "X", 1, 8})
	clock.Advance(60 * time.Second) // the next minute
	putTicks(t, srv, "ticks", tick{"BBB", "X", 1, 25})
	r := newStreamReader(t, srv, "minutes")
	got := r.wait(2)
	// A window's groups come in the order their first rows did, which
	// across shards is their arrival order: sort them.
	sort.Strings(got)
	want := []string{"AAA,8.0,12.0\n", "BBB,20.0,20.0\n"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("first minute: %q, want %q", got, want)
	}
	// No more ticks: the heartbeat closes the second minute.
	clock.Advance(61 * time.Second)
	got = r.wait(3)
	if got[2] != "BBB,25.0,25.0\n" {
		t.Fatalf("second minute: %q", got[2:])
	}
	stop(t, c, "window")
}

// Stopped and started again from LAST_STOPPED_POINT, an application takes
// in what arrived while it was stopped, and delivers every row once.
func TestStopAndResume(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 2)
	out := createStream(t, srv, "alerts", 1)
	createApp(t, c, "filter", filterCode, streamInput(in), streamOutput(out, kat.RecordFormatTypeCsv))
	start(t, c, "filter", kat.InputStartingPositionTrimHorizon)

	r := newStreamReader(t, srv, "alerts")
	want := []string{}
	for round := range 3 {
		for i := range 10 {
			k := tick{fmt.Sprintf("T%d", i), "S", float64(1 + round), 10}
			putTicks(t, srv, "ticks", k)
			want = append(want, fmt.Sprintf("T%d,S,%d.0,10.0\n", i, 1+round))
		}
		if round == 1 {
			// Ticks put while stopped are taken in at the start.
			stop(t, c, "filter")
			putTicks(t, srv, "ticks", tick{"STOP", "S", 5, 10})
			want = append(want, "STOP,S,5.0,10.0\n")
			start(t, c, "filter", kat.InputStartingPositionLastStoppedPoint)
		}
	}
	got := r.settle(len(want))
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("output (%d records):\n%s\nwant (%d):\n%s", len(got), strings.Join(got, ""), len(want), strings.Join(want, ""))
	}
}

// A server shut down cleanly resumes its running applications when it
// starts again, from where they stopped: nothing lost, nothing repeated.
func TestServerRestartResumes(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 1)
	out := createStream(t, srv, "alerts", 1)
	createApp(t, c, "filter", filterCode, streamInput(in), streamOutput(out, kat.RecordFormatTypeCsv))
	start(t, c, "filter", kat.InputStartingPositionNow)
	putTicks(t, srv, "ticks", tick{"A", "S", 1, 10})
	newStreamReader(t, srv, "alerts").wait(1)
	srv.Stop()
	second := tick{"B", "S", 1, 10} // put once the server is back

	srv = testserver.Start(t, testserver.WithDir(dir))
	c = srv.AnalyticsClient()
	waitStatus(t, c, "filter", kat.ApplicationStatusRunning)
	putTicks(t, srv, "ticks", second)
	r := newStreamReader(t, srv, "alerts")
	if got := r.settle(2); fmt.Sprint(got) != fmt.Sprint([]string{"A,S,1.0,10.0\n", "B,S,1.0,10.0\n"}) {
		t.Fatalf("output %q", got)
	}
}

// A window open when the application stops is whole after the restart
// from LAST_STOPPED_POINT: the replay takes its rows in again, and rows
// already delivered are not repeated.
func TestStopAndResumeWindow(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 1)
	out := createStream(t, srv, "minutes", 1)
	createApp(t, c, "window", tumblingCode, streamInput(in), streamOutput(out, kat.RecordFormatTypeCsv))
	start(t, c, "window", kat.InputStartingPositionNow)
	r := newStreamReader(t, srv, "minutes")

	now := clock.Now()
	clock.Advance(now.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(now))
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 10})
	clock.Advance(61 * time.Second)
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 11}) // closes the first minute
	if got := r.wait(1); got[0] != "AAA,10.0,10.0\n" {
		t.Fatalf("first minute: %q", got)
	}
	stop(t, c, "window")
	clock.Advance(5 * time.Second)
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 14}) // while stopped, in the second minute
	start(t, c, "window", kat.InputStartingPositionLastStoppedPoint)
	clock.Advance(60 * time.Second)
	putTicks(t, srv, "ticks", tick{"BBB", "X", 1, 1}) // closes the second minute
	if got := r.settle(2); fmt.Sprint(got) != fmt.Sprint([]string{"AAA,10.0,10.0\n", "AAA,11.0,14.0\n"}) {
		t.Fatalf("output %q", got)
	}
}

// A replay rebuilds windows from the checkpoint on, so for a while it
// computes over windows it has only partly rebuilt: a row the application
// filtered out before the stop can pass then (here, a tick that was not
// the first of its minute looks like one). The outputs' marks keep such
// rows out: nothing after the restart but the rows made after it.
func TestResumeDropsRowsOfPartlyRebuiltWindows(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 1)
	out := createStream(t, srv, "firsts", 1)
	code := `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), price DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM ticker_symbol, price FROM (
  SELECT STREAM ticker_symbol, price, COUNT(*) OVER W1 AS c FROM "SOURCE_SQL_STREAM_001"
  WINDOW W1 AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE PRECEDING)
) WHERE c <= 1;`
	createApp(t, c, "firsts", code, streamInput(in), streamOutput(out, kat.RecordFormatTypeCsv))
	start(t, c, "firsts", kat.InputStartingPositionNow)
	r := newStreamReader(t, srv, "firsts")

	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 1}) // the first in its minute: out
	clock.Advance(time.Millisecond)                   // a record is handed on once its millisecond is over
	r.wait(1)
	clock.Advance(30 * time.Second)
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 2}) // the second: filtered out
	clock.Advance(40 * time.Second)
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 3}) // with the one at 30 s: filtered out
	clock.Advance(time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	stop(t, c, "firsts")
	start(t, c, "firsts", kat.InputStartingPositionLastStoppedPoint)
	clock.Advance(120 * time.Second)
	putTicks(t, srv, "ticks", tick{"AAA", "X", 1, 4}) // alone in its minute: out
	clock.Advance(time.Millisecond)
	if got := r.settle(2); fmt.Sprint(got) != fmt.Sprint([]string{"AAA,1.0\n", "AAA,4.0\n"}) {
		t.Fatalf("output %q", got)
	}
}
