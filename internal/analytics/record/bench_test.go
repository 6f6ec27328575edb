package record

import (
	"strconv"
	"testing"
	"time"

	"sluice/internal/analytics/value"
)

// The targets: at least 200,000 small JSON rows a second on one
// core. Each benchmark reports rows/s.

func demoRecords(n int) [][]byte {
	tickers := []string{"QXZ", "AMZN", "WAS", "NFS", "ASD", "MMB"}
	sectors := []string{"HEALTHCARE", "TECHNOLOGY", "RETAIL", "ENERGY", "FINANCIAL"}
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(`{"TICKER_SYMBOL":"` + tickers[i%len(tickers)] + `","SECTOR":"` + sectors[i%len(sectors)] +
			`","CHANGE":-0.` + strconv.Itoa(i%97) + `,"PRICE":` + strconv.Itoa(10+i%900) + `.` + strconv.Itoa(10+i%89) + `}`)
	}
	return out
}

func reportRows(b *testing.B, rows int, start time.Time) {
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
}

func BenchmarkParseJSON(b *testing.B) {
	p := mustParser(b, demoSchema)
	recs := demoRecords(1024)
	var vals []value.Value
	rows := 0
	b.ReportAllocs()
	b.SetBytes(int64(len(recs[0])))
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		vals, _ = p.Parse(vals[:0], recs[i%len(recs)])
		rows += len(vals) / 4
	}
	reportRows(b, rows, start)
}

func BenchmarkParseJSONRowPath(b *testing.B) {
	p := mustParser(b, jsonSchema("$.records[0:]", "T", "VARCHAR(4)", "$.t", "P", "DOUBLE", "$.p", "TS", "TIMESTAMP", "$.ts"))
	rec := []byte(`{"records":[` +
		`{"t":"A","p":1.5,"ts":"2026-12-03 17:01:02.123","other":{"deep":[1,2,3]}},` +
		`{"t":"B","p":2.25,"ts":"2026-12-03 17:01:03.000","other":null},` +
		`{"t":"C","p":3,"ts":"2026-12-03 17:01:04.500"},` +
		`{"t":"D","p":-4.75,"ts":"2026-12-03 17:01:05.999"}]}`)
	var vals []value.Value
	rows := 0
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		vals, _ = p.Parse(vals[:0], rec)
		rows += len(vals) / 3
	}
	reportRows(b, rows, start)
}

func BenchmarkParseCSV(b *testing.B) {
	p := mustParser(b, csvSchema("\n", ",", "TICKER_SYMBOL", "VARCHAR(4)", "SECTOR", "VARCHAR(16)", "CHANGE", "REAL", "PRICE", "REAL"))
	rec := []byte("QXZ,HEALTHCARE,-0.05,84.51\nAMZN,TECHNOLOGY,1.26,622.84\nWAS,RETAIL,0.72,25.91\nNFS,ENERGY,-2.5,101.1\n")
	var vals []value.Value
	rows := 0
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		vals, _ = p.Parse(vals[:0], rec)
		rows += len(vals) / 4
	}
	reportRows(b, rows, start)
}

func BenchmarkFormatJSON(b *testing.B) {
	p := mustParser(b, demoSchema)
	vals, _ := p.Parse(nil, demoRecords(1)[0])
	f, _ := NewFormatter("JSON", p.Columns())
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		buf = f.AppendRecord(buf[:0], vals)
		n++
	}
	reportRows(b, n, start)
}

func BenchmarkFormatCSV(b *testing.B) {
	p := mustParser(b, demoSchema)
	vals, _ := p.Parse(nil, demoRecords(1)[0])
	f, _ := NewFormatter("CSV", p.Columns())
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		buf = f.AppendRecord(buf[:0], vals)
		n++
	}
	reportRows(b, n, start)
}

func BenchmarkDiscover(b *testing.B) {
	recs := demoRecords(100)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Discover(recs); err != nil {
			b.Fatal(err)
		}
	}
}
