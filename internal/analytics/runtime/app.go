package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/record"
	"sluice/internal/analytics/value"
)

// app is one running application. Its goroutine (loop) owns the program:
// it takes the reader's batches in, pushes their rows, advances the clock,
// and commits checkpoints; the reader and each output run in their own
// goroutines and meet it through channels (batches) and the outputs'
// queues.
type app struct {
	rt     *Runtime
	cfg    *analytics.Application
	log    *slog.Logger
	prog   *exec.Program
	input  analytics.Input
	names  []string // the in-application input streams, by index
	parser *record.Parser
	ncols  int
	// kinesis: the input is a data stream (its rows carry PARTITION_KEY,
	// SEQUENCE_NUMBER and SHARD_ID); source is its Sluice ID.
	kinesis bool
	source  string
	reader  *reader
	outputs []*output
	refs    []*reference
	rings   []*ring
	metrics Metrics

	// index maps each input shard's ROWTIMEs to positions; state is the
	// run's persisted state (its start time).
	index map[uint32]*shardIndex
	state checkpointState
	// cleaned: stale checkpoints of other sources were deleted.
	cleaned bool

	// clock is the application's time: the latest ROWTIME given or time
	// advanced to. curR is the replay point of the program call being
	// made: the earliest ROWTIME the rows it makes can depend on.
	clock int64
	curR  int64
	// called is set once the program was first called.
	called bool
	// startErrors are reported at the clock's first time.
	startErrors []exec.ErrorRecord

	batches  chan *batch
	progress chan struct{}
	stopc    chan stopRequest
	exited   chan struct{}
	cancel   context.CancelFunc
	wg       sync.WaitGroup // the reader and the outputs

	// Scratch for turning records into rows, kept between batches.
	vals  []value.Value
	flat  []value.Value
	offs  []int
	times []int64
	rows  []exec.Row
	run   int // the in-application stream of the rows gathered, -1 none
}

type stopRequest struct {
	ctx  context.Context
	done chan error
}

// subscribe hooks the outputs, the live view and the metrics to the
// program's streams.
func (ap *app) subscribe() error {
	for _, o := range ap.outputs {
		if _, err := ap.prog.Subscribe(o.cfg.Name, func(rows []exec.Row) {
			for i := range rows {
				o.add(rows[i].Time, ap.curR, rows[i].Values)
			}
		}); err != nil {
			return fmt.Errorf("output %s: %w", o.cfg.ID, err)
		}
	}
	for _, info := range ap.prog.Streams() {
		names := make([]string, len(info.Columns))
		for i, c := range info.Columns {
			names[i] = c.Name
		}
		kind := LiveStreamKind
		switch {
		case info.Source:
			kind = LiveSource
		case info.Name == errorStream:
			kind = LiveError
		}
		r := newRing(info.Name, kind, names, ap.rt.cfg.LiveRows)
		ap.rings = append(ap.rings, r)
		isErr := info.Name == errorStream
		if _, err := ap.prog.Subscribe(info.Name, func(rows []exec.Row) {
			r.count(len(rows))
			if isErr {
				ap.metrics.ErrorRows.Add(int64(len(rows)))
			}
			for i := max(0, len(rows)-r.max); i < len(rows); i++ {
				r.add(rows[i].Time, rows[i].Values)
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

// errorStream is the name of the in-application error stream.
const errorStream = "error_stream"

// start launches the application's goroutines.
func (ap *app) start() {
	ctx, cancel := context.WithCancel(context.Background())
	ap.cancel = cancel
	ap.run = -1
	// Reference data that could not be loaded, or rows of it that did not
	// parse, are errors the application reports when its clock first
	// moves (at the first record's ROWTIME, which a report at the start
	// time could put behind a backlog's).
	for _, r := range ap.refs {
		if r.problem != "" {
			ap.log.Warn("reference data not loaded: the table is empty", "table", r.name, "problem", r.problem)
			ap.startErrors = append(ap.startErrors, exec.ErrorRecord{Name: ErrorReferenceData, Message: r.problem, Stream: r.name})
		}
		for _, e := range r.errs {
			ap.startErrors = append(ap.startErrors, exec.ErrorRecord{Name: e.Name, Message: e.Message, Data: e.Data, Stream: r.name})
		}
	}
	readerCtx, cancelReader := context.WithCancel(ctx)
	ap.wg.Add(1)
	go func() {
		defer ap.wg.Done()
		ap.reader.run(readerCtx, ap.batches)
	}()
	for _, o := range ap.outputs {
		ap.wg.Add(1)
		go func() {
			defer ap.wg.Done()
			o.run(ctx)
		}()
	}
	go ap.loop(cancelReader)
}

// ErrorReferenceData is ERROR_NAME of a reference data object that could
// not be loaded.
const ErrorReferenceData = "REFERENCE_DATA_ERROR"

// loop is the application's goroutine.
func (ap *app) loop(cancelReader context.CancelFunc) {
	defer close(ap.exited)
	tick := time.NewTicker(ap.rt.cfg.CommitInterval)
	defer tick.Stop()
	for {
		in := ap.batches
		if ap.blocked() {
			in = nil // back pressure: an output is behind
		}
		select {
		case b := <-in:
			if err := ap.guard(func() { ap.process(b) }); err != nil {
				ap.fail(err, cancelReader)
				return
			}
		case <-ap.progress:
		case <-tick.C:
			if err := ap.guard(func() { ap.commit(context.Background()) }); err != nil {
				ap.fail(err, cancelReader)
				return
			}
		case req := <-ap.stopc:
			req.done <- ap.shutdown(req.ctx, cancelReader)
			return
		}
	}
}

// guard runs fn, turning a panic (a bug, never input) into an error, so
// that one application's failure stops it alone.
func (ap *app) guard(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	fn()
	return nil
}

// fail stops an application that cannot go on, without a last commit:
// its last checkpoint stands, and a start from LAST_STOPPED_POINT resumes
// from it.
func (ap *app) fail(err error, cancelReader context.CancelFunc) {
	cancelReader()
	ap.cancel()
	ap.wg.Wait()
	ap.rt.failedApp(ap, err)
}

// blocked reports whether an output holds too much to take more input.
func (ap *app) blocked() bool {
	for _, o := range ap.outputs {
		if o.full() {
			return true
		}
	}
	return false
}

// stop asks the application's goroutine to stop and waits for it.
func (ap *app) stop(ctx context.Context) error {
	req := stopRequest{ctx: ctx, done: make(chan error, 1)}
	select {
	case ap.stopc <- req:
		return <-req.done
	case <-ap.exited:
		return nil // it failed by itself
	}
}

// shutdown stops the input, lets the outputs deliver what they hold (for
// up to DrainTimeout, or until ctx ends) and commits the last stopped
// point.
func (ap *app) shutdown(ctx context.Context, cancelReader context.CancelFunc) error {
	cancelReader()
	drain := time.NewTimer(ap.rt.cfg.DrainTimeout)
	defer drain.Stop()
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
wait:
	for {
		pending := 0
		for _, o := range ap.outputs {
			pending += o.pending()
		}
		if pending == 0 {
			break
		}
		select {
		case <-ctx.Done():
			break wait
		case <-drain.C:
			ap.log.Warn("stopping with rows not delivered: they are made again at the next start from LAST_STOPPED_POINT", "rows", pending)
			break wait
		case <-ap.progress:
		case <-poll.C:
		}
	}
	ap.cancel()
	ap.wg.Wait()
	// The batches the reader handed on and the application did not take
	// are not in the index: they are read again next time.
	var err error
	if gerr := ap.guard(func() { err = ap.commit(context.WithoutCancel(ctx)) }); gerr != nil {
		return gerr
	}
	return err
}
