package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
)

// analytics-filter and analytics-window run one Kinesis Data Analytics SQL
// application, the developer guide's continuous filter or its tumbling
// window (MIN/MAX of PRICE per ticker per -window), over the demo ticker
// stream (analytics_data.go). The setup: a source stream and a destination
// stream of -shards shards each, a consumer on the destination with a
// SubscribeToShard subscription per shard from LATEST (the client sees
// output records when the server pushes them), and the application, JSON
// in and out. Then, without -rate (throughput):
//
//	preload  -preload records (default 1,000,000) put with PutRecords as
//	         fast as the clients can, before the application starts: the
//	         input rate accepted; then the marker
//	drain    StartApplication from TRIM_HORIZON until the marker's output
//	         row arrives: the backlog's records over that time is the rate
//	         the application processes input at (the headline), its CPU
//	         the server's per input row
//	put      PutRecords as fast as the clients can for -warmup and
//	         -duration while the application runs: the input accepted
//	         meanwhile; then the marker
//	process  the records put in the live phase (warmup included, markers
//	         not) over the time from its start to the end of putting plus
//	         how far the application was behind then (BehindSeconds: the
//	         marker's output row's arrival minus the marker's
//	         acknowledgement, for the window the closer's): the rate the
//	         application kept up with, the put rate while it keeps up
//
// The drain is the headline because an application that keeps up only
// shows the rate its clients put at: the drain hands it all its input at
// once and times the processing itself (StartApplication included, see
// StartSeconds; the server still stores the output and pushes it to the
// subscriber), while on one machine the live phases also measure the
// clients and the ingest sharing its cores. The filter's output is
// checked: after each marker, the rows it passed and the marker must all
// arrive, once (a note says otherwise).
//
// With -rate (latency), the application starts from NOW and producers put
// at -rate calls/s (PutRecord, or PutRecords of -batch records when it is
// set), every record stamped with its send time; the headline phase,
// deliver, counts the output rows of records sent while measuring with
// their latency: for the filter from the record's send to its row's
// arrival at the subscriber (the Delivery account is of the rows the filter
// passed), for the window from the end of the row's window to its arrival
// (the time the row waited after its window could close). Then the marker
// gives BehindSeconds as above: whether the application kept up with the
// rate.
//
// With -server-pid, the server's resident set size is sampled through the
// run (Memory: every second, or every -duration/40 down to 100 ms for
// shorter runs, and at the start and end of the measured window), and
// summarised over the put phase's measured window.
//
// The application is deleted before the streams at the end, unless -keep.

// defaultAnalyticsPreload is -preload's default for the Data Analytics
// workloads.
const defaultAnalyticsPreload = 1_000_000

// markerTimeout bounds the wait for a marker's output row: a backlog of
// millions of records takes seconds to drain, and AWS takes minutes to
// start an application.
const markerTimeout = 10 * time.Minute

// role is the IAM role the application would read and write with on AWS
// (Sluice takes any).
func (r *run) role() *string { return aws.String(r.cfg.RoleARN) }

// application is a Data Analytics application the run created.
type application struct {
	name    string
	created time.Time
	inputID string
}

// appRun is what one Data Analytics workload run works with.
type appRun struct {
	q        query
	src, dst *stream
	app      *application
	out      *outputs
	rep      *Analytics
	mem      *memMeter
}

// Analytics is the Data Analytics workloads' account of the application
// (see analytics.go for the definitions).
type Analytics struct {
	Application         string  `json:"application"`
	Query               string  `json:"query"` // filter or window
	WindowSeconds       float64 `json:"window_seconds,omitempty"`
	Tickers             int     `json:"tickers"`
	SelectivityPercent  int     `json:"selectivity_percent"` // filter: rows it passes
	StartSeconds        float64 `json:"start_seconds"`       // StartApplication until RUNNING
	BehindSeconds       float64 `json:"behind_seconds"`      // when the input stopped
	OutputRecords       int64   `json:"output_records"`
	ExpectedOutput      int64   `json:"expected_output_records,omitempty"` // filter, throughput runs
	UnreadableOutput    int64   `json:"unreadable_output_records"`
	InputRecordBytesAvg float64 `json:"input_record_bytes_mean"`
}

func (r *run) analytics(ctx context.Context, res *Result) error {
	q := newQuery(r.cfg, time.Now())
	name := r.names(1)[0]
	ss, err := r.createStreams(ctx, []string{name + "-in", name + "-out"})
	if err != nil {
		return err
	}
	x := &appRun{q: q, src: ss[0], dst: ss[1], out: newOutputs(q)}
	consumer, err := r.registerConsumer(ctx, x.dst)
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	tallies := make([]*tally, len(x.dst.shards))
	ready := make(chan error, len(x.dst.shards))
	var wg sync.WaitGroup
	for i, sh := range x.dst.shards {
		tallies[i] = r.newTally(len(x.dst.shards))
		wg.Go(func() { r.follow(sctx, consumer, sh.ShardId, x.out, tallies[i], ready) })
	}
	defer func() { stop(); wg.Wait() }()
	if err := r.ready(ctx, ready, len(x.dst.shards)); err != nil {
		return err
	}
	if x.app, err = r.createApplication(ctx, name, x); err != nil {
		return err
	}
	x.rep = &Analytics{Application: name, Query: q.name(), WindowSeconds: q.window.Seconds(), Tickers: q.tickers}
	if q.window == 0 {
		x.rep.SelectivityPercent = q.selectivity
	}
	res.Analytics = x.rep
	res.Streams = 2
	x.mem = startMemory(ctx, r.cfg.ServerPID, min(max(r.cfg.Duration/40, 100*time.Millisecond), time.Second))
	if r.cfg.Rate > 0 {
		err = r.analyticsRate(ctx, res, x)
	} else {
		err = r.analyticsThroughput(ctx, res, x)
	}
	res.Memory = x.mem.stop()
	stop()
	wg.Wait()
	if r.cfg.Rate > 0 && err == nil && ctx.Err() == nil {
		x.out.finish(res, tallies)
	}
	x.rep.OutputRecords = x.out.count.Load()
	x.rep.UnreadableOutput = x.out.unreadable.Load()
	if x.rep.UnreadableOutput > 0 {
		res.note("%d output records could not be read (not the JSON rows the application's code makes)", x.rep.UnreadableOutput)
	}
	var in, inBytes int64
	for _, p := range res.Phases {
		if p.Name == "preload" || p.Name == "put" {
			in, inBytes = in+p.Records, inBytes+p.Bytes
		}
	}
	if in > 0 {
		x.rep.InputRecordBytesAvg = round(float64(inBytes)/float64(in), 1)
		res.RecordSize = int(inBytes / in)
	}
	return err
}

// analyticsThroughput runs the preload, drain, put and process phases.
func (r *run) analyticsThroughput(ctx context.Context, res *Result, x *appRun) error {
	n := r.cfg.Preload
	if n == 0 {
		n = defaultAnalyticsPreload
	}
	r.logf("preloading %d records", n)
	var written, passed atomic.Int64
	gens := make([]*ticks, r.cfg.Concurrency)
	batches := (n + r.cfg.Batch - 1) / r.cfg.Batch
	res.add(r.each(ctx, "preload", 0, r.cfg.Concurrency, batches, func(ctx context.Context, w *worker, i int) {
		if gens[w.id] == nil {
			gens[w.id] = &ticks{q: x.q, rng: w.rng}
		}
		entries, pass := gens[w.id].entries(w, min(r.cfg.Batch, n-i*r.cfg.Batch), time.Now())
		got := r.putAll(ctx, w, x.src, entries)
		written.Add(got)
		if got == int64(len(entries)) {
			passed.Add(int64(count(pass)))
		}
	}), false)
	if ctx.Err() != nil {
		return nil
	}
	if written.Load() < int64(n) {
		res.note("%d of the %d preload records could not be written", int64(n)-written.Load(), n)
	}
	markers, err := r.mark(ctx, x, 0)
	if err != nil {
		return err
	}

	r.logf("starting %s from TRIM_HORIZON on a backlog of %d records", x.app.name, written.Load())
	t0 := time.Now()
	cpu := startCPU(ctx, r.cfg.ServerPID, t0)
	if err := r.startApplication(ctx, x, kat.InputStartingPositionTrimHorizon); err != nil {
		return err
	}
	t1, err := x.out.wait(ctx, marker(0), markerTimeout)
	if err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	drained := written.Load() + int64(markers)
	drain := Phase{Name: "drain", Records: drained, Bytes: res.Phases[0].Bytes, Errors: map[string]int64{}, RecordErrors: map[string]int64{}}
	drain.finish(t1.Sub(t0))
	drain.CPU = cpu.stop(drained)
	res.add(drain, true)
	r.logf("drained %d records in %.2fs", drained, drain.Seconds)
	if x.q.window == 0 {
		r.checkOutput(ctx, res, x, "drain", 0, passed.Load()+1)
	}

	var live, livePassed atomic.Int64
	before := x.out.count.Load()
	win := r.window()
	x.mem.measure(win.from, win.end)
	r.announce("PutRecords while the application runs")
	res.add(r.loop(ctx, "put", win, r.cfg.Concurrency, func(w *worker) op {
		return r.putTicks(x, w, func(_ time.Time, written, passed int) {
			live.Add(int64(written))
			livePassed.Add(int64(passed))
		})
	}), false)
	if ctx.Err() != nil {
		return nil
	}
	stopped := time.Now()
	behind, err := r.behind(ctx, x, 1)
	if err != nil {
		return err
	}
	process := Phase{Name: "process", Records: live.Load(), Errors: map[string]int64{}, RecordErrors: map[string]int64{}}
	for _, p := range res.Phases {
		if p.Name == "put" && p.Records > 0 {
			process.Bytes = live.Load() * p.Bytes / p.Records
		}
	}
	process.finish(stopped.Sub(win.start) + behind)
	res.add(process, false)
	if x.q.window == 0 {
		r.checkOutput(ctx, res, x, "put", before, livePassed.Load()+1)
	}
	return nil
}

// analyticsRate runs the application from NOW with producers at -rate.
func (r *run) analyticsRate(ctx context.Context, res *Result, x *appRun) error {
	if err := r.startApplication(ctx, x, kat.InputStartingPositionNow); err != nil {
		return err
	}
	win := r.window()
	x.out.win.Store(&win)
	x.mem.measure(win.from, win.end)
	call := "PutRecord"
	if r.cfg.Batch > 1 {
		call = fmt.Sprintf("PutRecords of %d", r.cfg.Batch)
	}
	r.announce(fmt.Sprintf("%s at %g/s -> %s -> SubscribeToShard on %d shards", call, r.cfg.Rate, x.q.name(), len(x.dst.shards)))
	res.add(r.loop(ctx, "put", win, r.cfg.Concurrency, func(w *worker) op {
		return r.putTicks(x, w, func(sent time.Time, _, passed int) {
			if win.measures(sent) {
				x.out.sent.Add(int64(passed))
			}
		})
	}), false)
	if ctx.Err() != nil {
		return nil
	}
	if _, err := r.behind(ctx, x, 1); err != nil {
		return err
	}
	if x.q.window == 0 {
		// The marker's row came after every row before it; the other
		// shards' subscriptions may still be bringing theirs.
		deadline := time.Now().Add(r.cfg.Timeout)
		for x.out.received.Load() < x.out.sent.Load() && time.Now().Before(deadline) {
			if sleep(ctx, 10*time.Millisecond) != nil {
				break
			}
		}
	}
	return nil
}

// behind puts phase i's marker and returns how long after it (after the
// closer, for the window) its output row arrived: how far the application
// was behind when the input stopped.
func (r *run) behind(ctx context.Context, x *appRun, i int) (time.Duration, error) {
	if _, err := r.mark(ctx, x, i); err != nil {
		return 0, err
	}
	ready := x.out.markedAt(i)
	at, err := x.out.wait(ctx, marker(i), markerTimeout)
	if err != nil {
		return 0, fmt.Errorf("waiting for the application to catch up: %w", err)
	}
	d := max(at.Sub(ready), 0)
	x.rep.BehindSeconds = round(d.Seconds(), 3)
	r.logf("the application was %.3fs behind when the input stopped", d.Seconds())
	return d, nil
}

// mark puts phase i's marker and, for the window, once the marker's window
// has ended, a closer (a record past its end, which closes it); it notes
// the last put's acknowledgement as the time the output could reflect the
// marker, and returns the records it put.
func (r *run) mark(ctx context.Context, x *appRun, i int) (int, error) {
	ack, err := r.putOne(ctx, x, marker(i))
	if err != nil {
		return 0, err
	}
	puts := 1
	if x.q.window > 0 {
		if err := sleep(ctx, time.Until(nextWindowEnd(x.q.window, ack).Add(time.Millisecond))); err != nil {
			return puts, err
		}
		if ack, err = r.putOne(ctx, x, closer); err != nil {
			return puts, err
		}
		puts++
	}
	x.out.setMarked(i, ack)
	return puts, nil
}

// putOne puts one marker or closer record and returns when it was
// acknowledged.
func (r *run) putOne(ctx context.Context, x *appRun, ticker string) (time.Time, error) {
	err := r.retry(ctx, "PutRecord "+ticker, func(ctx context.Context) error {
		_, err := r.client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(x.src.name), PartitionKey: aws.String(ticker),
			Data: x.q.marker(nil, ticker, time.Now())})
		return err
	})
	return time.Now(), err
}

// entries returns n PutRecords entries under random partition keys, and
// which of them the filter passes.
func (t *ticks) entries(w *worker, n int, now time.Time) ([]types.PutRecordsRequestEntry, []bool) {
	var buf []byte
	ends := make([]int, n)
	pass := make([]bool, n)
	for i := range n {
		buf, pass[i] = t.next(buf, now)
		ends[i] = len(buf)
	}
	entries := make([]types.PutRecordsRequestEntry, n)
	from := 0
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{Data: buf[from:ends[i]:ends[i]], PartitionKey: w.key()}
		from = ends[i]
	}
	return entries, pass
}

// putTicks returns a producer's call: PutRecord (-batch 1) or PutRecords
// of fresh records stamped with the call's start, under random partition
// keys. Records counts those written, failed ones are counted by their
// ErrorCode; counted gets the call's start, the records written and how
// many of those the filter passes.
func (r *run) putTicks(x *appRun, w *worker, counted func(sent time.Time, written, passed int)) op {
	t := &ticks{q: x.q, rng: w.rng}
	name := aws.String(x.src.name)
	return func(ctx context.Context, w *worker) (int, int, error) {
		now := time.Now()
		entries, pass := t.entries(w, r.cfg.Batch, now)
		if len(entries) == 1 {
			e := entries[0]
			if _, err := r.client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: e.PartitionKey, Data: e.Data}); err != nil {
				return 0, 0, err
			}
			counted(now, 1, count(pass))
			return 1, len(e.Data), nil
		}
		out, err := r.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: name, Records: entries})
		if err != nil {
			return 0, 0, err
		}
		written := countFailed(w, len(entries), out)
		passed := 0
		for j := range entries {
			if pass[j] && (len(out.Records) != len(entries) || out.Records[j].ErrorCode == nil) {
				passed++
			}
		}
		if len(out.Records) != len(entries) { // no answer per record: in proportion
			passed = passed * written / len(entries)
		}
		counted(now, written, passed)
		return written, writtenBytes(entries, out, written), nil
	}
}

// count returns how many are true.
func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// checkOutput waits (up to -timeout) for the filter's output of a phase to
// reach the rows expected (its passed records and marker) and notes any
// difference: fewer is loss, more is repetition (at-least-once delivery).
func (r *run) checkOutput(ctx context.Context, res *Result, x *appRun, phase string, before, want int64) {
	deadline := time.Now().Add(r.cfg.Timeout)
	for x.out.count.Load()-before < want && time.Now().Before(deadline) {
		if sleep(ctx, 10*time.Millisecond) != nil {
			return
		}
	}
	got := x.out.count.Load() - before
	x.rep.ExpectedOutput += want
	if got != want {
		res.note("%s: the filter's output has %d records, %d expected (the rows it passes and the marker)", phase, got, want)
	}
}

// createApplication creates the application (JSON in and out, the guide's
// schema), remembers it for deletion and waits until it is READY.
func (r *run) createApplication(ctx context.Context, name string, x *appRun) (*application, error) {
	r.logf("creating application %s (the guide's %s)", name, x.q.name())
	err := r.retry(ctx, "CreateApplication "+name, func(ctx context.Context) error {
		_, err := r.ka.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{
			ApplicationName: aws.String(name),
			ApplicationCode: aws.String(x.q.code()),
			Inputs: []kat.Input{{
				NamePrefix:          aws.String("SOURCE_SQL_STREAM"),
				KinesisStreamsInput: &kat.KinesisStreamsInput{ResourceARN: aws.String(x.src.arn), RoleARN: r.role()},
				InputSchema:         tickerSchema(),
			}},
			Outputs: []kat.Output{{
				Name:                 aws.String("DESTINATION_SQL_STREAM"),
				KinesisStreamsOutput: &kat.KinesisStreamsOutput{ResourceARN: aws.String(x.dst.arn), RoleARN: r.role()},
				DestinationSchema:    &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
			}},
		})
		return err
	})
	if err != nil {
		if unsupported(errorCode(err)) {
			return nil, fmt.Errorf("%w: the %s workload needs Kinesis Data Analytics SQL applications: %v", errUnsupported, r.cfg.Workload, err)
		}
		return nil, err
	}
	a := &application{name: name}
	r.mu.Lock()
	r.apps = append(r.apps, a)
	r.mu.Unlock()
	d, err := r.waitApplication(ctx, a, kat.ApplicationStatusReady)
	if err != nil {
		return nil, err
	}
	a.created = aws.ToTime(d.CreateTimestamp)
	if len(d.InputDescriptions) == 0 {
		return nil, fmt.Errorf("application %s described without its input", name)
	}
	a.inputID = aws.ToString(d.InputDescriptions[0].InputId)
	return a, nil
}

// tickerSchema is the guide's schema of the demo stream, in JSON.
func tickerSchema() *kat.SourceSchema {
	col := func(name, typ string) kat.RecordColumn {
		return kat.RecordColumn{Name: aws.String(name), SqlType: aws.String(typ), Mapping: aws.String("$." + name)}
	}
	return &kat.SourceSchema{
		RecordFormat: &kat.RecordFormat{
			RecordFormatType:  kat.RecordFormatTypeJson,
			MappingParameters: &kat.MappingParameters{JSONMappingParameters: &kat.JSONMappingParameters{RecordRowPath: aws.String("$")}},
		},
		RecordEncoding: aws.String("UTF-8"),
		RecordColumns: []kat.RecordColumn{
			col("TICKER_SYMBOL", "VARCHAR(4)"), col("SECTOR", "VARCHAR(16)"), col("CHANGE", "REAL"), col("PRICE", "REAL"),
		},
	}
}

// startApplication starts the application from pos and waits until it is
// RUNNING, noting how long that took.
func (r *run) startApplication(ctx context.Context, x *appRun, pos kat.InputStartingPosition) error {
	began := time.Now()
	err := r.retry(ctx, "StartApplication "+x.app.name, func(ctx context.Context) error {
		_, err := r.ka.StartApplication(ctx, &kinesisanalytics.StartApplicationInput{
			ApplicationName: aws.String(x.app.name),
			InputConfigurations: []kat.InputConfiguration{{Id: aws.String(x.app.inputID),
				InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: pos}}},
		})
		return err
	})
	if err != nil {
		return err
	}
	if _, err := r.waitApplication(ctx, x.app, kat.ApplicationStatusRunning); err != nil {
		return err
	}
	x.rep.StartSeconds = round(time.Since(began).Seconds(), 3)
	return nil
}

// waitApplication polls DescribeApplication (every 20 ms, backing off to
// 1 s) until the application has the status want.
func (r *run) waitApplication(ctx context.Context, a *application, want kat.ApplicationStatus) (*kat.ApplicationDetail, error) {
	wait := 20 * time.Millisecond
	deadline := time.Now().Add(markerTimeout)
	for {
		var d *kat.ApplicationDetail
		err := r.retry(ctx, "DescribeApplication "+a.name, func(ctx context.Context) error {
			out, err := r.ka.DescribeApplication(ctx, &kinesisanalytics.DescribeApplicationInput{ApplicationName: aws.String(a.name)})
			if err == nil {
				d = out.ApplicationDetail
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if d.ApplicationStatus == want {
			return d, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("application %s still %s after %v", a.name, d.ApplicationStatus, markerTimeout)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, time.Second)
	}
}

// deleteApplications deletes the applications the run created (stopping
// them), before their streams are deleted.
func (r *run) deleteApplications(ctx context.Context) {
	r.mu.Lock()
	apps := r.apps
	r.mu.Unlock()
	for _, a := range apps {
		if r.cfg.Keep {
			r.logf("keeping application %s", a.name)
			continue
		}
		if a.created.IsZero() { // created, but never described
			d, err := r.ka.DescribeApplication(ctx, &kinesisanalytics.DescribeApplicationInput{ApplicationName: aws.String(a.name)})
			if err != nil {
				r.logf("DescribeApplication %s: %v", a.name, err)
				continue
			}
			a.created = aws.ToTime(d.ApplicationDetail.CreateTimestamp)
		}
		r.logf("deleting application %s", a.name)
		if err := r.retry(ctx, "DeleteApplication "+a.name, func(ctx context.Context) error {
			_, err := r.ka.DeleteApplication(ctx, &kinesisanalytics.DeleteApplicationInput{ApplicationName: aws.String(a.name), CreateTimestamp: aws.Time(a.created)})
			return err
		}); err != nil {
			r.logf("%v", err)
		}
	}
}
