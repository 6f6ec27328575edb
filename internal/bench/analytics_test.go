package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"

	"sluice/internal/testserver"
)

// The analytics workloads end to end, with tiny numbers: every phase is
// there, the filter's output is exactly the rows it passes, and the
// application and streams are deleted. The test server runs in this
// process, so -server-pid is this test's pid.
func TestAnalyticsWorkloads(t *testing.T) {
	srv := testserver.Start(t)
	for _, tc := range []struct {
		name     string
		workload string
		rate     float64
		phases   []string
	}{
		{"filter", "analytics-filter", 0, []string{"preload", "drain", "put", "process"}},
		{"window", "analytics-window", 0, []string{"preload", "drain", "put", "process"}},
		{"filter-rate", "analytics-filter", 200, []string{"put", "deliver"}},
		{"window-rate", "analytics-window", 200, []string{"put", "deliver"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := quick(srv, tc.workload)
			c.Preload, c.Batch, c.Tickers, c.ServerPID = 3000, 100, 5, os.Getpid()
			if tc.rate > 0 {
				c.Rate, c.Batch, c.Selectivity = tc.rate, 1, 100
			}
			res := runQuick(t, srv, c)
			if len(res.Phases) != len(tc.phases) {
				t.Fatalf("phases %+v, want %v", res.Phases, tc.phases)
			}
			for i, p := range res.Phases {
				if p.Name != tc.phases[i] {
					t.Errorf("phase %d is %s, want %s", i, p.Name, tc.phases[i])
				}
				if p.Records == 0 || p.RecordsPerSec <= 0 || len(p.Errors)+len(p.RecordErrors) > 0 {
					t.Errorf("phase %s: %+v", p.Name, p)
				}
			}
			a := res.Analytics
			if a == nil || a.StartSeconds <= 0 || a.BehindSeconds < 0 || a.OutputRecords == 0 || a.UnreadableOutput != 0 ||
				a.InputRecordBytesAvg < 60 || a.InputRecordBytesAvg > 90 || res.RecordSize < 60 {
				t.Fatalf("analytics %+v", a)
			}
			markers := int64(1)
			if tc.workload == "analytics-window" {
				markers = 2 // and the closer
			}
			if tc.rate == 0 {
				if res.Name != "drain" || res.Records != 3000+markers || res.Phases[0].Records != 3000 {
					t.Errorf("headline %+v", res.Phase)
				}
				if res.CPU == nil || res.CPU.Records != res.Records || res.CPU.ServerSeconds <= 0 {
					t.Errorf("drain CPU %+v", res.CPU)
				}
			} else if res.Name != "deliver" || res.Latency.Count == 0 || res.Latency.P50 <= 0 || res.Latency.P99 > res.Latency.Max {
				t.Errorf("headline %+v", res.Phase)
			}
			switch {
			case tc.workload == "analytics-filter" && tc.rate == 0:
				// 10% of the preload, of the live records, and two markers.
				if a.ExpectedOutput < 302 || a.OutputRecords != a.ExpectedOutput || a.SelectivityPercent != 10 {
					t.Errorf("output %d records, expected %d", a.OutputRecords, a.ExpectedOutput)
				}
			case tc.workload == "analytics-filter":
				if d := res.Delivery; d == nil || d.Sent == 0 || d.Received != d.Sent || res.Records != d.Received {
					t.Errorf("delivery %+v, headline %d records", d, res.Records)
				}
			default:
				if a.WindowSeconds != 1 || res.Delivery != nil {
					t.Errorf("%+v, delivery %+v", a, res.Delivery)
				}
			}
			for _, n := range res.Notes {
				if !strings.Contains(n, "--limits off") {
					t.Errorf("note: %s", n)
				}
			}
			m := res.Memory
			if m == nil || len(m.Samples) < 2 || m.PeakMiB <= 0 || m.StartMiB <= 0 || m.LastQuarterMiB <= 0 || m.MeasuredTo <= m.MeasuredFrom {
				t.Errorf("memory %+v", m)
			}
			apps, err := srv.AnalyticsClient().ListApplications(context.Background(), &kinesisanalytics.ListApplicationsInput{})
			if err != nil || len(apps.ApplicationSummaries) != 0 {
				t.Errorf("applications left: %+v, %v", apps, err)
			}
			var text bytes.Buffer
			if err := res.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"application sluice-bench-" + tc.workload, "behind when the input stopped", "server memory (RSS"} {
				if !strings.Contains(text.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, text.String())
				}
			}
		})
	}
}

// The records are the guide's ticker JSON; the filter's WHERE clause,
// computed as the application does (REAL columns, DOUBLE arithmetic),
// passes exactly the selectivity's share, and the rows read back.
func TestTicks(t *testing.T) {
	base := time.Now().Add(-time.Minute)
	for _, sel := range []int{0, 10, 100} {
		q := query{tickers: 500, selectivity: sel, base: base}
		g := &ticks{q: q, rng: rand.New(rand.NewPCG(1, 2))}
		passed := 0
		now := time.Now()
		for range 1000 {
			data, pass := g.next(nil, now)
			var k struct {
				Ticker string  `json:"TICKER_SYMBOL"`
				Sector string  `json:"SECTOR"`
				Change float64 `json:"CHANGE"`
				Price  float64 `json:"PRICE"`
			}
			if err := json.Unmarshal(data, &k); err != nil {
				t.Fatalf("%s: %v", data, err)
			}
			change, price := float64(float32(k.Change)), float64(float32(k.Price))
			if where := math.Abs(change/(price-change))*100 > 1; where != pass {
				t.Errorf("%s: the filter passes it: %v, the record says %v", data, where, pass)
			}
			if pass {
				passed++
			}
			if len(k.Ticker) != 4 || k.Ticker[0] != 'T' || len(k.Sector) > 16 {
				t.Errorf("%s", data)
			}
			// The filter's output row, as the application writes it.
			out, _ := json.Marshal(map[string]any{"TICKER_SYMBOL": k.Ticker, "SECTOR": k.Sector, "CHANGE": k.Change, "PRICE": k.Price})
			r, ok := q.parseRow(out)
			if !ok || r.ticker != k.Ticker || !r.sent.Equal(now.Truncate(time.Microsecond)) {
				t.Errorf("%s read as %+v, %v", out, r, ok)
			}
		}
		if passed != sel*10 {
			t.Errorf("selectivity %d%%: %d of 1000 passed", sel, passed)
		}
	}
	q := query{window: time.Second, tickers: 3, base: base}
	sent := base.Add(1234 * time.Millisecond)
	data, pass := (&ticks{q: q, rng: rand.New(rand.NewPCG(1, 2))}).next(nil, sent)
	if !pass || !bytes.Contains(data, []byte(`"PRICE":1234}`)) {
		t.Errorf("window record %s, %v", data, pass)
	}
	r, ok := q.parseRow([]byte(`{"TICKER_SYMBOL":"T002","MIN_PRICE":1000.0,"MAX_PRICE":1234.0}`))
	if !ok || r.ticker != "T002" || !r.sent.Equal(sent) {
		t.Errorf("window row read as %+v, %v", r, ok)
	}
	if m := q.marker(nil, marker(1), sent); !bytes.HasPrefix(m, []byte(`{"TICKER_SYMBOL":"END1"`)) {
		t.Errorf("marker %s", m)
	}
	if tickerName(0) != "T000" || tickerName(maxTickers-1) != "TZZZ" || tickerName(37) != "T011" {
		t.Errorf("ticker names %s %s %s", tickerName(0), tickerName(maxTickers-1), tickerName(37))
	}
	if !strings.Contains(query{window: 10 * time.Second}.code(), "INTERVAL '10' SECOND") || !strings.Contains(query{}.code(), "WHERE") {
		t.Error("code")
	}
}

func TestJSONField(t *testing.T) {
	for _, tc := range []struct {
		data, name, want string
		ok               bool
	}{
		{`{"A":"x","B":2.5}`, "A", "x", true},
		{`{"A":"x","B":2.5}`, "B", "2.5", true},
		{`{"A":"x","B":-1e3}`, "B", "-1e3", true},
		{`{ "A" : "x" , "B" : 7 }`, "B", "7", true},
		{`{"A":"B","B":3}`, "B", "3", true}, // the name as a value first
		{`{"A":"x"}`, "B", "", false},
		{`{"A":"x`, "A", "", false},
		{`{"A":}`, "A", "", false},
		{`{"AB":1,"B":2}`, "B", "2", true},
	} {
		got, ok := jsonField([]byte(tc.data), tc.name)
		if string(got) != tc.want || ok != tc.ok {
			t.Errorf("jsonField(%s, %s) = %q, %v; want %q, %v", tc.data, tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestWindowEnd(t *testing.T) {
	at := func(ms int64) time.Time { return time.UnixMilli(1_700_000_000_000 + ms) }
	for _, tc := range []struct {
		w             time.Duration
		sent, arrival int64
		want          int64
	}{
		{time.Second, 400, 1003, 1000}, // on time
		{time.Second, 999, 2004, 2000}, // sent before the end, stamped after it: the next window
		{time.Second, 200, 1900, 1000}, // emitted late, within a window
		{time.Second, 200, 3500, 1000}, // more than a window behind: the send time's window
		{time.Second, 200, 2500, 1000},
		{time.Second, 950, 2003, 2000}, // stamped 51 ms after the send
		{10 * time.Second, 12_000, 20_050, 20_000},
	} {
		if got := windowEnd(tc.w, at(tc.sent), at(tc.arrival)); !got.Equal(at(tc.want)) {
			t.Errorf("windowEnd(%v, %d, %d) = %d, want %d", tc.w, tc.sent, tc.arrival, got.Sub(at(0)).Milliseconds(), tc.want)
		}
	}
	if got := nextWindowEnd(10*time.Second, at(12_345)); !got.Equal(at(20_000)) {
		t.Errorf("nextWindowEnd %v", got)
	}
	if floorDiv(-1, 10) != -1 || floorDiv(10, 10) != 1 || floorDiv(-10, 10) != -1 {
		t.Error("floorDiv")
	}
}

func TestParseRSS(t *testing.T) {
	status := []byte("Name:\tsluice\nVmPeak:\t  900000 kB\nVmRSS:\t   12345 kB\nRssAnon:\t 10000 kB\n")
	if n, err := parseRSS(status); err != nil || n != 12345<<10 {
		t.Errorf("parseRSS = %d, %v", n, err)
	}
	for _, bad := range []string{"", "Name:\tx\n", "VmRSS:\t12 MB\n", "VmRSS:\tx kB\n"} {
		if _, err := parseRSS([]byte(bad)); err == nil {
			t.Errorf("parseRSS(%q) succeeded", bad)
		}
	}
	if n, err := procRSS(os.Getpid()); err != nil || n <= 0 {
		t.Errorf("procRSS(self) = %d, %v", n, err)
	}
}

func TestMemorySummary(t *testing.T) {
	m := &Memory{Samples: [][2]float64{{0, 50}, {1, 90}, {2, 60}, {3, 62}, {4, 64}, {5, 66}, {6, 68}, {7, 70}, {8, 72}, {9, 74}, {10, 40}}}
	m.summarize(2, 9) // 60 ... 74: 8 samples, quarters of 2
	want := Memory{Samples: m.Samples, PeakMiB: 90, MeasuredFrom: 2, MeasuredTo: 9, StartMiB: 60, EndMiB: 74, FirstQuarterMiB: 61, LastQuarterMiB: 73}
	if got, _ := json.Marshal(m); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("%s\nwant %s", got, must(json.Marshal(want)))
	}
	all := &Memory{Samples: [][2]float64{{0, 10}, {1, 20}}}
	all.summarize(0, 0)
	if all.MeasuredTo != 1 || all.FirstQuarterMiB != 10 || all.LastQuarterMiB != 20 || all.PeakMiB != 20 {
		t.Errorf("%+v", all)
	}
	m2 := startMemory(context.Background(), os.Getpid(), 10*time.Millisecond)
	m2.measure(time.Now(), time.Now().Add(time.Hour))
	time.Sleep(50 * time.Millisecond)
	if got := m2.stop(); got == nil || len(got.Samples) < 3 || got.StartMiB <= 0 || got.ServerMeasureErr != "" {
		t.Errorf("%+v", got)
	}
	if startMemory(context.Background(), 0, time.Second).stop() != nil {
		t.Error("a meter without a pid")
	}
	gone := startMemory(context.Background(), 1<<30, time.Second).stop()
	var text strings.Builder
	gone.writeText(&text)
	if gone.ServerMeasureErr == "" || !strings.Contains(text.String(), "server memory: pid") {
		t.Errorf("%+v %s", gone, text.String())
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestAnalyticsFlags(t *testing.T) {
	c, err := parseFlags([]string{"analytics-filter"}, &bytes.Buffer{})
	if err != nil || c.Rate != 0 || c.Batch != 500 || c.Selectivity != 10 || c.Window != time.Second || c.Tickers != 500 {
		t.Errorf("throughput defaults: %+v, %v", c, err)
	}
	c, err = parseFlags([]string{"analytics-filter", "-rate", "1000"}, &bytes.Buffer{})
	if err != nil || c.Batch != 1 || c.Selectivity != 100 {
		t.Errorf("latency defaults: %+v, %v", c, err)
	}
	c, err = parseFlags([]string{"analytics-window", "-rate", "200", "-batch", "500", "-selectivity", "50", "-window", "10s"}, &bytes.Buffer{})
	if err != nil || c.Batch != 500 || c.Selectivity != 50 || c.Window != 10*time.Second {
		t.Errorf("set flags stay: %+v, %v", c, err)
	}
	for _, args := range [][]string{
		{"analytics-window", "-window", "1500ms"}, {"analytics-window", "-window", "0s"}, {"analytics-filter", "-tickers", "0"},
		{"analytics-filter", "-tickers", "50000"}, {"analytics-filter", "-selectivity", "101"}, {"analytics-filter", "-role-arn", ""},
	} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}
