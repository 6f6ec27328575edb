package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"sluice/internal/analytics"
	"sluice/internal/analytics/record"
	"sluice/internal/analytics/value"
	"sluice/internal/firehose"
	"sluice/internal/streams"
)

// newTestOutput makes an output of rows (TICKER VARCHAR(4), PRICE DOUBLE)
// in format to d, and runs it until the test ends.
func newTestOutput(t *testing.T, format string, d deliverer, batch int) *output {
	t.Helper()
	o, start := newIdleTestOutput(t, format, d, batch)
	start()
	return o
}

// newIdleTestOutput is newTestOutput whose sender starts when start is
// called, so that rows added before go out in one batch.
func newIdleTestOutput(t *testing.T, format string, d deliverer, batch int) (o *output, start func()) {
	t.Helper()
	f, err := record.NewFormatter(format, []record.Column{{Name: "TICKER", Type: value.Varchar(4)}, {Name: "PRICE", Type: value.Simple(value.KindDouble)}})
	if err != nil {
		t.Fatal(err)
	}
	o = &output{
		cfg: analytics.Output{ID: "1.1", Name: "DESTINATION_SQL_STREAM"}, appID: "app", format: f, deliver: d,
		metrics: &OutputMetrics{}, log: testLogger(t), batchRecords: batch, batchBytes: 1 << 20,
		wake: make(chan struct{}, 1), progress: make(chan struct{}, 1),
	}
	return o, func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			o.run(ctx)
		}()
		t.Cleanup(func() { cancel(); <-done })
	}
}

func row(ticker string, price float64) []value.Value {
	return []value.Value{value.NewVarchar(ticker), value.NewDouble(price)}
}

// Rows go to a data stream in order, under partition keys that depend on
// the row's place alone, and the mark follows what was delivered.
func TestOutputToStream(t *testing.T) {
	s := newServices(t)
	arn := s.createStream(t, "out", 1)
	m := &OutputMetrics{}
	d := &toStream{svc: s.streams, caller: s.caller(), ref: streams.StreamRef{ARN: arn}, metrics: m, log: testLogger(t)}
	o := newTestOutput(t, "JSON", d, 2)
	o.add(100, 90, row("AAA", 1.5))
	o.add(200, 150, row("BBB", 2))
	o.add(200, 160, row("CCC", 10000000))
	waitFor(t, "delivery", func() bool { return o.pending() == 0 && o.metrics.Records.Load() == 3 })
	got := s.readAll(t, arn)
	want := []string{`{"TICKER":"AAA","PRICE":1.5}`, `{"TICKER":"BBB","PRICE":2.0}`, `{"TICKER":"CCC","PRICE":1.0E7}`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stream holds %q, want %q", got, want)
	}
	mark, _, pending := o.state(0)
	if pending || mark.T != 200 || mark.N != 2 || mark.R != 150 ||
		mark.Sum != rowHash(200, []byte(want[1]))+rowHash(200, []byte(want[2])) {
		t.Fatalf("mark %+v", mark)
	}
	st, _ := s.streams.DescribeStream(context.Background(), s.caller(), streams.StreamRef{ARN: arn}, "")
	r, _ := s.streams.ReadShard(s.caller(), streams.StreamRef{ARN: arn}, st.ID, 0, 0, 0, 1<<20)
	k := rowKey("app", "1.1", 200, 1)
	if pk := r.Records[2].PartitionKey; len(pk) != 32 || pk != (&outRecord{key: k}).partitionKey() {
		t.Fatalf("partition key %q", pk)
	}
}

// A delivery stream takes the rows in batches, CSV here.
func TestOutputToFirehose(t *testing.T) {
	s := newServices(t)
	c := firehose.Caller{Account: testAccount, Region: testRegion}
	if _, err := s.firehose.CreateDeliveryStream(context.Background(), c, firehose.CreateParams{
		Name: "d", S3: &firehose.S3Destination{BucketARN: "arn:aws:s3:::b"},
	}); err != nil {
		t.Fatal(err)
	}
	o := newTestOutput(t, "CSV", &toFirehose{svc: s.firehose, caller: c, name: "d", metrics: &OutputMetrics{}, log: testLogger(t)}, 500)
	o.add(1, 1, row("A,B", 1))
	o.add(2, 2, row("C", 2))
	waitFor(t, "delivery", func() bool { return o.metrics.Records.Load() == 2 })
	_, lg, err := s.firehose.Log(c, "d")
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := lg.Read(0, 1, 10, 1<<20, 0)
	if err != nil || len(recs) != 2 || string(recs[0].Data) != "\"A,B\",1.0\n" || string(recs[1].Data) != "C,2.0\n" {
		t.Fatalf("delivery stream holds %v %v", recs, err)
	}
}

// The Lambda output contract: records a function answers DeliveryFailed
// (or leaves out) are sent again, alone, with a higher retryHint and the
// same recordId.
func TestOutputToLambda(t *testing.T) {
	var calls atomic.Int32
	ls := newLambdaServer(t, func(name string, event []byte) (int, []byte) {
		calls.Add(1)
		var ev lambdaOutEvent
		json.Unmarshal(event, &ev)
		type answer struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
		}
		var out []answer
		for _, r := range ev.Records {
			if string(r.Data) == `{"TICKER":"BAD","PRICE":0.0}` && r.Meta.RetryHint == 0 {
				out = append(out, answer{r.RecordID, "DeliveryFailed"})
				continue
			}
			out = append(out, answer{r.RecordID, "Ok"})
		}
		b, _ := json.Marshal(map[string]any{"records": out})
		return 200, b
	})
	fn := "arn:aws:lambda:us-east-1:000000000000:function:out"
	d := &toLambda{lambda: ls.invoker(), function: fn, appARN: "arn:app", metrics: &OutputMetrics{}, log: testLogger(t)}
	// Both rows are queued before the sender starts, so the first
	// invocation holds both (a sender already running may send OK alone).
	o, start := newIdleTestOutput(t, "JSON", d, 500)
	o.add(1, 1, row("OK", 1))
	o.add(1, 1, row("BAD", 0))
	start()
	waitFor(t, "delivery", func() bool { return o.metrics.Records.Load() == 2 })
	events := ls.received(fn)
	if len(events) != 2 {
		t.Fatalf("%d invocations", len(events))
	}
	var first, second map[string]any
	json.Unmarshal(events[0], &first)
	json.Unmarshal(events[1], &second)
	r0 := first["records"].([]any)[1].(map[string]any)
	r1 := second["records"].([]any)[0].(map[string]any)
	if first["applicationArn"] != "arn:app" || first["invocationId"] == second["invocationId"] ||
		len(second["records"].([]any)) != 1 || r0["recordId"] != r1["recordId"] ||
		r1["lambdaDeliveryRecordMetadata"].(map[string]any)["retryHint"] != float64(1) ||
		r1["data"] != base64.StdEncoding.EncodeToString([]byte(`{"TICKER":"BAD","PRICE":0.0}`)) {
		t.Fatalf("events:\n%s\n%s", events[0], events[1])
	}
	if d.metrics.Failures.Load() != 1 {
		t.Fatalf("failures %d", d.metrics.Failures.Load())
	}
}

// After a restart the resume filter drops the rows delivered before:
// those before the mark's ROWTIME, and the first N at it when they are the
// same rows; rows that differ are sent again rather than lost.
func TestResumeFilter(t *testing.T) {
	rec := func(t int64, data string) outRecord {
		return outRecord{t: t, data: []byte(data), hash: rowHash(t, []byte(data))}
	}
	o := &output{cfg: analytics.Output{ID: "1.1"}, log: testLogger(t)}
	mark := outputMark{T: 200, N: 2, Sum: rowHash(200, []byte("a")) + rowHash(200, []byte("b")), R: 150}
	f := &resumeFilter{mark: mark}
	var sent []string
	for _, r := range []outRecord{rec(100, "x"), rec(200, "b"), rec(200, "a"), rec(200, "c"), rec(300, "d")} {
		for _, k := range f.take(r, o) {
			sent = append(sent, string(k.data))
		}
	}
	if fmt.Sprint(sent) != "[c d]" {
		t.Fatalf("sent %v", sent)
	}

	// Other rows at the mark: sent, and the mark counts them afresh.
	o.mark = mark
	f = &resumeFilter{mark: mark}
	sent = nil
	for _, r := range []outRecord{rec(200, "a"), rec(200, "z"), rec(300, "d")} {
		for _, k := range f.take(r, o) {
			sent = append(sent, string(k.data))
		}
	}
	if fmt.Sprint(sent) != "[a z d]" || o.mark.N != 0 || o.mark.T != 200 {
		t.Fatalf("sent %v, mark %+v", sent, o.mark)
	}

	// Fewer rows at the mark than were delivered.
	f = &resumeFilter{mark: mark}
	sent = nil
	for _, r := range []outRecord{rec(200, "a"), rec(250, "e")} {
		for _, k := range f.take(r, o) {
			sent = append(sent, string(k.data))
		}
	}
	if fmt.Sprint(sent) != "[a e]" || !f.done {
		t.Fatalf("sent %v", sent)
	}

	// After an update, rows at the mark are told apart by count alone.
	for _, c := range []struct {
		in   []outRecord
		want string
	}{
		{[]outRecord{rec(200, "A"), rec(200, "B"), rec(200, "C"), rec(300, "d")}, "[C d]"},
		{[]outRecord{rec(200, "A"), rec(300, "d")}, "[d]"},
	} {
		f = &resumeFilter{mark: mark, byCount: true}
		sent = nil
		for _, r := range c.in {
			for _, k := range f.take(r, o) {
				sent = append(sent, string(k.data))
			}
		}
		if fmt.Sprint(sent) != c.want {
			t.Fatalf("by count: sent %v, want %s", sent, c.want)
		}
	}
}

// An output's queue is bounded (the application stops taking input when
// it is full), and its batches are within its destination's API limits.
func TestOutputBounds(t *testing.T) {
	o := &output{wake: make(chan struct{}, 1), metrics: &OutputMetrics{}}
	for i := 0; !o.full(); i++ {
		if i > outputMaxPending {
			t.Fatal("the queue is never full")
		}
		o.enqueue(outRecord{t: int64(i), data: []byte("x")})
	}
	if o.pending() != outputMaxPending || o.metrics.Pending.Load() != outputMaxPending {
		t.Fatalf("full at %d records", o.pending())
	}
	o = &output{wake: make(chan struct{}, 1), metrics: &OutputMetrics{}}
	o.enqueue(outRecord{data: make([]byte, outputMaxPendingBytes)})
	if !o.full() {
		t.Fatal("a queue over its bytes is not full")
	}
	limits := []struct {
		name                 string
		records, bytes       int
		maxRecords, maxBytes int
	}{
		{"PutRecords", streamBatchRecords, streamBatchBytes, 500, 5 << 20},
		{"PutRecordBatch", firehoseBatchRecords, firehoseBatchBytes, 500, 4 << 20},
		{"Lambda", lambdaBatchRecords, lambdaBatchBytes * 4 / 3, 10000, 6 << 20},
	}
	for _, l := range limits {
		if l.records > l.maxRecords || l.bytes > l.maxBytes {
			t.Errorf("%s batches of %d records, %d bytes: over %d, %d", l.name, l.records, l.bytes, l.maxRecords, l.maxBytes)
		}
	}
}

// An output's mark moves up to its first row not delivered, or to the
// clock when every row is delivered; never while it is resuming.
func TestOutputMarkMovesUp(t *testing.T) {
	o := &output{wake: make(chan struct{}, 1), metrics: &OutputMetrics{}}
	o.mark = outputMark{T: 200, N: 2, Sum: 7, R: 150}
	if m, _, pending := o.state(100); pending || m != (outputMark{T: 200, N: 2, Sum: 7, R: 150}) {
		t.Fatalf("clock before the mark: %+v", m)
	}
	o.enqueue(outRecord{t: 300, r: 250})
	o.enqueue(outRecord{t: 400, r: 240})
	m, r, pending := o.state(500)
	if !pending || r != 240 || m.T != 300 || m.N != 0 {
		t.Fatalf("with rows waiting: %+v, replay %d", m, r)
	}
	o.queue = nil
	if m, _, pending := o.state(500); pending || m.T != 500 || m.N != 0 {
		t.Fatalf("all delivered: %+v", m)
	}
	o.resume = &resumeFilter{}
	if m, _, _ := o.state(600); m.T != 500 {
		t.Fatalf("while resuming: %+v", m)
	}
}
