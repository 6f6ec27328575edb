package runtime

import (
	"context"
	"errors"
	"fmt"

	"sluice/internal/analytics"
	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/exec/analytic"
	"sluice/internal/analytics/record"
	"sluice/internal/analytics/sql"
	"sluice/internal/firehose"
	"sluice/internal/streams"
)

// errNoLambda: an input preprocessor or a Lambda output needs the Lambda
// endpoint the server was not given.
var errNoLambda = errors.New("the server has no --lambda-endpoint to invoke the function with")

// build makes a running application of its configuration: its program,
// its input from the starting position, its reference tables and its
// outputs. Nothing runs yet.
func (rt *Runtime) build(ctx context.Context, a *analytics.Application, positions map[string]analytics.StartingPosition) (*app, error) {
	if len(a.Inputs) != 1 {
		return nil, fmt.Errorf("application %s has %d inputs; it needs one", a.Name, len(a.Inputs))
	}
	in := a.Inputs[0]
	code, err := sql.Parse(a.Code)
	if err != nil {
		return nil, fmt.Errorf("application code: %w", err)
	}
	parser, err := record.NewParser(inputSchema(in.Schema))
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", in.ID, err)
	}
	f, err := rt.openFeed(a, in)
	if err != nil {
		return nil, fmt.Errorf("cannot read the input %s: %w", in.Source.ARN, err)
	}
	ap := &app{
		rt:       rt,
		cfg:      a,
		log:      rt.log.With("application", a.Name, "account", a.Account, "region", a.Region),
		input:    in,
		names:    in.StreamNames(),
		parser:   parser,
		ncols:    len(parser.Columns()),
		kinesis:  f.kinesis(),
		source:   f.id(),
		index:    map[uint32]*shardIndex{},
		batches:  make(chan *batch, 2),
		progress: make(chan struct{}, 1),
		stopc:    make(chan stopRequest),
		exited:   make(chan struct{}),
	}

	// Where the run starts: the state and positions a start from
	// LAST_STOPPED_POINT continues, or a fresh run.
	state, err := loadState(ctx, rt.cfg.Meta, a)
	if err != nil {
		return nil, err
	}
	pos := positions[in.ID]
	var saved *checkpointInput
	if pos == analytics.PositionLastStopped {
		if saved, err = loadInput(ctx, rt.cfg.Meta, a, in.ID, f.id()); err != nil {
			return nil, err
		}
	} else {
		state = nil // NOW or TRIM_HORIZON: outputs deliver everything again
	}
	if state == nil {
		state = &checkpointState{Version: checkpointVersion, Start: rt.cfg.Now().UnixMilli()}
	}
	ap.state = *state
	start, err := startPositions(f, pos, saved)
	if err != nil {
		return nil, fmt.Errorf("cannot read the input %s: %w", in.Source.ARN, err)
	}
	for shard, p := range start {
		ap.index[shard] = newShardIndex(p)
	}

	// The program.
	// A replay cannot go further back than the source keeps records.
	env := exec.Env{Start: state.Start, ReplayLimit: f.retention().Milliseconds(), TableFuncs: analytic.Funcs(analytic.SeedOf(a.ARN() + "/" + a.ID))}
	cols := make([]exec.Column, len(parser.Columns()))
	for i, c := range parser.Columns() {
		cols[i] = exec.Column{Name: c.Name, Type: c.Type}
	}
	system := exec.FirehoseSystemColumns()
	if ap.kinesis {
		system = exec.KinesisSystemColumns()
	}
	for _, name := range ap.names {
		env.Streams = append(env.Streams, exec.Stream{Name: name, Columns: cols, System: system})
	}
	for _, ref := range a.References {
		r, err := loadReference(ctx, rt.cfg.Objects, ref, rt.cfg.MaxReferenceBytes)
		if err != nil {
			return nil, err
		}
		t := exec.Table{Name: r.name, Columns: make([]exec.Column, len(r.columns)), Rows: r.rows}
		for i, c := range r.columns {
			t.Columns[i] = exec.Column{Name: c.Name, Type: c.Type}
		}
		env.Tables = append(env.Tables, t)
		ap.refs = append(ap.refs, r)
	}
	for _, out := range a.Outputs {
		env.Outputs = append(env.Outputs, out.Name)
	}
	if ap.prog, err = exec.Compile(code, env); err != nil {
		return nil, fmt.Errorf("application code: %w", err)
	}

	// The input.
	ap.reader = newReader(f, start)
	ap.reader.heartbeat = rt.cfg.Heartbeat
	ap.reader.retry = rt.cfg.RetryInterval
	ap.reader.parallelism = in.Parallelism
	ap.reader.log = ap.log.With("input", in.ID, "source", in.Source.ARN)
	ap.reader.metrics = &ap.metrics
	if in.Processing != nil {
		if rt.cfg.Lambda == nil {
			return nil, fmt.Errorf("input preprocessor %s: %w", in.Processing.ARN, errNoLambda)
		}
		pre := &preprocessor{
			lambda: rt.cfg.Lambda, function: in.Processing.ARN, appARN: a.ARN(), streamARN: in.Source.ARN,
			kinesis: ap.kinesis, sourceID: f.id(), log: ap.reader.log, metrics: &ap.metrics,
		}
		ap.reader.pre = pre.process
	}

	// The outputs, each resuming from its mark after LAST_STOPPED_POINT.
	for _, out := range a.Outputs {
		o, err := rt.openOutput(ap, out)
		if err != nil {
			return nil, err
		}
		if m, ok := state.Outputs[out.ID]; ok && m.T > 0 && pos == analytics.PositionLastStopped {
			o.mark = m
			// Under a new version (new code, reference data, ...) the rows
			// made again at the mark's ROWTIME can differ from those
			// delivered: they are told apart by count alone.
			o.resume = &resumeFilter{mark: m, byCount: state.AppVersion != a.Version}
		}
		ap.outputs = append(ap.outputs, o)
		ap.metrics.Outputs = append(ap.metrics.Outputs, o.metrics)
	}
	if err := ap.subscribe(); err != nil {
		return nil, err
	}
	return ap, nil
}

// openFeed opens the input's source.
func (rt *Runtime) openFeed(a *analytics.Application, in analytics.Input) (feed, error) {
	switch in.Kind {
	case analytics.KindKinesisStreams:
		if rt.cfg.Streams == nil {
			return nil, errors.New("the server has no data streams")
		}
		return newFeedStreams(rt.cfg.Streams, streams.Caller{Account: a.Account, Region: a.Region}, in.Source.ARN)
	case analytics.KindKinesisFirehose:
		if rt.cfg.Firehose == nil {
			return nil, errors.New("the server has no delivery streams")
		}
		return newFeedFirehose(rt.cfg.Firehose, firehose.Caller{Account: a.Account, Region: a.Region}, in.Source.ARN)
	}
	return nil, fmt.Errorf("unknown kind of input %q", in.Kind)
}

// openOutput makes an output's formatter and deliverer.
func (rt *Runtime) openOutput(ap *app, out analytics.Output) (*output, error) {
	info, ok := ap.prog.Stream(out.Name)
	if !ok {
		return nil, fmt.Errorf("output %s reads the in-application stream %s, which the application does not have", out.ID, out.Name)
	}
	cols := make([]record.Column, len(info.Columns))
	for i, c := range info.Columns {
		cols[i] = record.Column{Name: c.Name, Type: c.Type}
	}
	format, err := record.NewFormatter(out.Format, cols)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", out.ID, err)
	}
	o := &output{
		cfg: out, appID: ap.cfg.ID, format: format,
		metrics:  &OutputMetrics{ID: out.ID, Stream: out.Name, Kind: out.Kind, Destination: out.Destination.ARN},
		log:      ap.log.With("output", out.ID),
		wake:     make(chan struct{}, 1),
		progress: ap.progress,
	}
	switch out.Kind {
	case analytics.KindKinesisStreams:
		if rt.cfg.Streams == nil {
			return nil, fmt.Errorf("output %s: the server has no data streams", out.ID)
		}
		o.deliver = &toStream{svc: rt.cfg.Streams, caller: streams.Caller{Account: ap.cfg.Account, Region: ap.cfg.Region},
			ref: streams.StreamRef{ARN: out.Destination.ARN}, metrics: o.metrics, log: o.log}
		o.batchRecords, o.batchBytes = streamBatchRecords, streamBatchBytes
	case analytics.KindKinesisFirehose:
		if rt.cfg.Firehose == nil {
			return nil, fmt.Errorf("output %s: the server has no delivery streams", out.ID)
		}
		c := firehose.Caller{Account: ap.cfg.Account, Region: ap.cfg.Region}
		name, err := deliveryStreamName(out.Destination.ARN, c)
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", out.ID, err)
		}
		o.deliver = &toFirehose{svc: rt.cfg.Firehose, caller: c, name: name, metrics: o.metrics, log: o.log}
		o.batchRecords, o.batchBytes = firehoseBatchRecords, firehoseBatchBytes
	case analytics.KindLambda:
		if rt.cfg.Lambda == nil {
			return nil, fmt.Errorf("output %s: %w", out.ID, errNoLambda)
		}
		o.deliver = &toLambda{lambda: rt.cfg.Lambda, function: out.Destination.ARN, appARN: ap.cfg.ARN(), metrics: o.metrics, log: o.log}
		o.batchRecords, o.batchBytes = lambdaBatchRecords, lambdaBatchBytes
		o.interval = rt.cfg.LambdaInterval
	default:
		return nil, fmt.Errorf("output %s: unknown kind of destination %q", out.ID, out.Kind)
	}
	return o, nil
}
