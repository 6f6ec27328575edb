package bench

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// The Data Analytics workloads' data: the developer guide's demo stock
// ticker stream, one JSON object a record,
//
//	{"TICKER_SYMBOL":"T0A7","SECTOR":"1ix2c9k3m4","CHANGE":-2.87,"PRICE":57.31}
//
// read with the guide's schema (TICKER_SYMBOL VARCHAR(4), SECTOR
// VARCHAR(16), CHANGE REAL, PRICE REAL; about 75 bytes a record). The
// tickers are T000 ... in base 36 (-tickers of them, at random). SECTOR
// carries the record's send time, its Unix microseconds in base 36 (10
// characters), which the filter copies to its output. The window's output
// has only the ticker and MIN/MAX(PRICE): there PRICE is the send time in
// milliseconds after the run's start (exact in a REAL for 4.6 hours), so
// MAX_PRICE names the window's newest record.
//
// The filter passes a row when its change is more than 1% (the guide's
// WHERE clause); the records alternate so that exactly -selectivity of
// every 100 a producer sends pass (CHANGE ±5% of PRICE), the others not
// (±0.5%).
//
// Markers are records with the tickers END0, END1 (one per phase): they
// pass the filter, so their output row tells the client that the output
// reflects every record put before them. A window's row appears only when
// its window closes, which takes a record past its end (or the runtime's
// heartbeat): after a window marker the client waits for the window to end
// and puts a closer (ticker CLOS).

// filterCode is the developer guide's continuous filter (app-simple-alerts).
const filterCode = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM"
           (ticker_symbol VARCHAR(4), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ticker_symbol, sector, change, price
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  (ABS(Change / (Price - Change)) * 100) > 1;
`

// windowCode is the guide's tumbling window (tumbling-window-concepts),
// with the window's length in seconds to fill in (the guide's is 60).
const windowCode = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), Min_Price DOUBLE, Max_Price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM Ticker_Symbol, MIN(Price) AS Min_Price, MAX(Price) AS Max_Price
    FROM    "SOURCE_SQL_STREAM_001"
    GROUP BY Ticker_Symbol, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '%d' SECOND);
`

// closer is the ticker of the record that closes a window marker's window.
const closer = "CLOS"

// marker returns the ticker of phase i's marker.
func marker(i int) string { return "END" + strconv.Itoa(i) }

// query is what a Data Analytics workload runs and how its records look.
type query struct {
	window      time.Duration // the tumbling window; 0 for the filter
	tickers     int
	selectivity int       // percent of the filter's rows that pass
	base        time.Time // the window records' PRICE counts milliseconds from here
}

func newQuery(c Config, base time.Time) query {
	q := query{tickers: c.Tickers, selectivity: c.Selectivity, base: base}
	if c.Workload == "analytics-window" {
		q.window = c.Window
	}
	return q
}

func (q query) name() string {
	if q.window > 0 {
		return "window"
	}
	return "filter"
}

// code returns the application's code.
func (q query) code() string {
	if q.window > 0 {
		return fmt.Sprintf(windowCode, int(q.window/time.Second))
	}
	return filterCode
}

// ticks makes one producer's records.
type ticks struct {
	q   query
	rng *rand.Rand
	n   int // records made
}

// next appends a record sent at now to b, and says whether the filter
// passes it (always true for the window, whose rows all count).
func (t *ticks) next(b []byte, now time.Time) ([]byte, bool) {
	ticker := tickerName(t.rng.IntN(t.q.tickers))
	pass := t.n%100 < t.q.selectivity
	t.n++
	if t.q.window > 0 {
		return t.q.appendWindowRecord(b, ticker, now), true
	}
	return t.q.appendFilterRecord(b, ticker, pass, t.rng.Float64(), now), pass
}

// marker appends a marker (or closer) record: one the filter passes.
func (q query) marker(b []byte, ticker string, now time.Time) []byte {
	if q.window > 0 {
		return q.appendWindowRecord(b, ticker, now)
	}
	return q.appendFilterRecord(b, ticker, true, 0.5, now)
}

// appendFilterRecord appends a filter record. u in [0, 1) picks the price
// (10 to 110) and the change's sign.
func (q query) appendFilterRecord(b []byte, ticker string, pass bool, u float64, now time.Time) []byte {
	price := math.Round((10+100*u)*100) / 100
	frac := 0.005
	if pass {
		frac = 0.05
	}
	change := math.Round(price*frac*100) / 100
	if u < 0.5 {
		change = -change
	}
	return appendTick(b, ticker, now, change, price)
}

// appendWindowRecord appends a window record: PRICE is now in milliseconds
// after the run's start.
func (q query) appendWindowRecord(b []byte, ticker string, now time.Time) []byte {
	return appendTick(b, ticker, now, 0.5, float64(max(now.Sub(q.base).Milliseconds(), 0)))
}

func appendTick(b []byte, ticker string, now time.Time, change, price float64) []byte {
	b = append(b, `{"TICKER_SYMBOL":"`...)
	b = append(b, ticker...)
	b = append(b, `","SECTOR":"`...)
	b = appendStamp(b, now)
	b = append(b, `","CHANGE":`...)
	b = strconv.AppendFloat(b, change, 'f', -1, 64)
	b = append(b, `,"PRICE":`...)
	b = strconv.AppendFloat(b, price, 'f', -1, 64)
	return append(b, '}')
}

// tickerName is ticker i: T and three base-36 digits.
func tickerName(i int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	return string([]byte{'T', digits[i/1296%36], digits[i/36%36], digits[i%36]})
}

// maxTickers is how many names tickerName has.
const maxTickers = 36 * 36 * 36

// appendStamp appends t as Unix microseconds in base 36.
func appendStamp(b []byte, t time.Time) []byte {
	return strconv.AppendInt(b, t.UnixMicro(), 36)
}

// parseStamp reads appendStamp's text.
func parseStamp(s []byte) (time.Time, bool) {
	us, err := strconv.ParseInt(string(s), 36, 64)
	if err != nil || us <= 0 {
		return time.Time{}, false
	}
	return time.UnixMicro(us), true
}

// row is what the client reads of an output record.
type row struct {
	ticker string
	sent   time.Time // filter: the record's send time; window: its newest record's
}

// parseRow reads an output record: the filter's copies SECTOR (the send
// time), the window's has MAX_PRICE (the newest record's send time, in ms
// after base).
func (q query) parseRow(data []byte) (row, bool) {
	ticker, ok := jsonField(data, "TICKER_SYMBOL")
	if !ok {
		return row{}, false
	}
	r := row{ticker: string(ticker)}
	if q.window > 0 {
		v, ok := jsonField(data, "MAX_PRICE")
		if !ok {
			return r, false
		}
		ms, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return r, false
		}
		r.sent = q.base.Add(time.Duration(ms * float64(time.Millisecond)))
		return r, true
	}
	v, ok := jsonField(data, "SECTOR")
	if !ok {
		return r, false
	}
	r.sent, ok = parseStamp(v)
	return r, ok
}

// jsonField returns the value of a top-level field of a flat JSON object
// as written (strings unquoted, without escapes: the rows here have none),
// or false when the field is missing. It is no JSON parser: it finds the
// first "name" followed by a colon.
func jsonField(data []byte, name string) ([]byte, bool) {
	key := `"` + name + `"`
	for from := 0; ; {
		i := bytes.Index(data[from:], []byte(key))
		if i < 0 {
			return nil, false
		}
		rest := bytes.TrimLeft(data[from+i+len(key):], " \t\r\n")
		from += i + len(key)
		if len(rest) == 0 || rest[0] != ':' {
			continue // the name was a value
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) > 0 && rest[0] == '"' {
			end := bytes.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, false
			}
			return rest[1 : 1+end], true
		}
		end := bytes.IndexAny(rest, ",} \t\r\n")
		if end < 0 {
			end = len(rest)
		}
		if end == 0 {
			return nil, false
		}
		return rest[:end], true
	}
}

// windowEnd returns the end of the window of length w whose row arrived at
// arrival, its newest record sent at sent. STEP windows start at multiples
// of w since the Unix epoch, and a window's row comes after its end: the
// end is the last multiple of w at or before the arrival, unless that is
// more than a window (and sendSlack) after the newest record, when the
// application was more than a window behind and it is the end of the
// window holding the send time. The server stamps ROWTIME at arrival,
// after the send, so a record sent less than sendSlack before a window's
// end may be in the next window, which the first rule gets right; the
// second rule takes such a record's window for its send time's, which
// only matters when the application is more than a window behind (and
// BehindSeconds says so).
func windowEnd(w time.Duration, sent, arrival time.Time) time.Time {
	ms := w.Milliseconds()
	end := time.UnixMilli(floorDiv(arrival.UnixMilli(), ms) * ms)
	if end.Sub(sent) > w+sendSlack {
		end = nextWindowEnd(w, sent)
	}
	return end
}

// sendSlack bounds the time from a record's send to its arrival stamp that
// windowEnd allows for.
const sendSlack = 100 * time.Millisecond

// nextWindowEnd returns the end of the window of length w holding t.
func nextWindowEnd(w time.Duration, t time.Time) time.Time {
	ms := w.Milliseconds()
	return time.UnixMilli((floorDiv(t.UnixMilli(), ms) + 1) * ms)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
