package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/firehose"
	"sluice/internal/storage"
	"sluice/internal/streams"
)

// Config configures the Runtime. Streams, Firehose and Meta are needed;
// the others are optional (what is missing is refused with a clear error
// when an application needs it).
type Config struct {
	Streams  *streams.Service
	Firehose *firehose.Service
	// Meta keeps the checkpoints.
	Meta storage.MetaStore
	// Objects reads reference data (the local S3 directory or
	// --s3-endpoint).
	Objects analytics.ObjectReader
	// Lambda invokes input preprocessors and Lambda outputs
	// (--lambda-endpoint).
	Lambda analytics.LambdaInvoker
	// Now is the clock: the one the data streams stamp arrival times with.
	Now    func() time.Time
	Logger *slog.Logger

	// Heartbeat is how often a caught-up input advances its application's
	// clock when no record arrives, so that a quiet stream's windows close
	// (default 200 ms).
	Heartbeat time.Duration
	// CommitInterval is how often positions and output marks are
	// checkpointed (default 1 s); it bounds the rows delivered again after
	// a crash.
	CommitInterval time.Duration
	// LambdaInterval is the least time between two invocations of a Lambda
	// output (default 1 s: AWS invokes it about once a second).
	LambdaInterval time.Duration
	// DrainTimeout bounds how long a stopping application waits for its
	// outputs to deliver what they hold (default 10 s); what is left is
	// made again at the next start from LAST_STOPPED_POINT.
	DrainTimeout time.Duration
	// RetryInterval is how long an input waits after a failed read of its
	// source (default 1 s).
	RetryInterval time.Duration
	// LiveRows is how many recent rows of each in-application stream the
	// live view keeps (default 100).
	LiveRows int
	// MaxReferenceBytes is the largest reference data object loaded
	// (default 1 GiB, AWS's limit).
	MaxReferenceBytes int64
}

func (c *Config) defaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 200 * time.Millisecond
	}
	if c.CommitInterval <= 0 {
		c.CommitInterval = time.Second
	}
	if c.LambdaInterval <= 0 {
		c.LambdaInterval = time.Second
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 10 * time.Second
	}
	if c.RetryInterval <= 0 {
		c.RetryInterval = time.Second
	}
	if c.LiveRows <= 0 {
		c.LiveRows = DefaultLiveRows
	}
	if c.MaxReferenceBytes <= 0 {
		c.MaxReferenceBytes = MaxReferenceBytes
	}
}

// Runtime runs started applications: it implements analytics.Runner.
type Runtime struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	apps   map[string]*app // running, by application ID
	closed bool
	failed func(*analytics.Application, error)
}

// ErrClosed is Start's answer once the Runtime is shut down.
var ErrClosed = errors.New("the Data Analytics runtime is shut down")

// New returns a Runtime.
func New(cfg Config) *Runtime {
	cfg.defaults()
	return &Runtime{cfg: cfg, log: cfg.Logger.With("component", "analytics-runtime"), apps: map[string]*app{}}
}

// OnFailed sets what is told of an application that stops by itself (the
// control plane's Service.Failed; it is built after the Runtime).
func (rt *Runtime) OnFailed(fn func(*analytics.Application, error)) {
	rt.mu.Lock()
	rt.failed = fn
	rt.mu.Unlock()
}

// Start implements analytics.Runner: it compiles the application's code,
// loads its reference data, opens its input from its starting position and
// its outputs, and starts its goroutines.
func (rt *Runtime) Start(ctx context.Context, a *analytics.Application, positions map[string]analytics.StartingPosition) error {
	rt.mu.Lock()
	if rt.closed {
		rt.mu.Unlock()
		return ErrClosed
	}
	if rt.apps[a.ID] != nil {
		rt.mu.Unlock()
		return fmt.Errorf("application %s is running already", a.Name)
	}
	rt.mu.Unlock()
	ap, err := rt.build(ctx, a, positions)
	if err != nil {
		return err
	}
	// The starting positions are the first checkpoint: a crash before the
	// first commit resumes from them, not from NOW.
	if err := ap.commit(ctx); err != nil {
		return fmt.Errorf("checkpointing application %s: %w", a.Name, err)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.closed {
		return ErrClosed
	}
	if rt.apps[a.ID] != nil {
		return fmt.Errorf("application %s is running already", a.Name)
	}
	rt.apps[a.ID] = ap
	ap.start()
	return nil
}

// Stop implements analytics.Runner: the input stops, the outputs deliver
// what they hold (for up to DrainTimeout, or until ctx ends), and the
// positions and output marks are checkpointed as the last stopped point.
func (rt *Runtime) Stop(ctx context.Context, a *analytics.Application) error {
	rt.mu.Lock()
	ap := rt.apps[a.ID]
	rt.mu.Unlock()
	if ap == nil {
		return nil // not running here (it failed, or never started)
	}
	err := ap.stop(ctx)
	rt.mu.Lock()
	if rt.apps[a.ID] == ap {
		delete(rt.apps, a.ID)
	}
	rt.mu.Unlock()
	return err
}

// Close stops every running application as Stop does, checkpointing each,
// and refuses further starts. The control plane leaves them RUNNING in its
// store, so that the next server start resumes them. The services the
// applications read and write must still be open.
func (rt *Runtime) Close(ctx context.Context) error {
	rt.mu.Lock()
	rt.closed = true
	apps := make([]*app, 0, len(rt.apps))
	for _, ap := range rt.apps {
		apps = append(apps, ap)
	}
	rt.apps = map[string]*app{}
	rt.mu.Unlock()
	errs := make([]error, len(apps))
	var wg sync.WaitGroup
	for i, ap := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = ap.stop(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// failedApp is called by an application's goroutine that cannot go on.
func (rt *Runtime) failedApp(ap *app, cause error) {
	rt.mu.Lock()
	if rt.apps[ap.cfg.ID] == ap {
		delete(rt.apps, ap.cfg.ID)
	}
	fn := rt.failed
	rt.mu.Unlock()
	// The control plane's OnFailed handler logs the failure with the
	// application's return to READY.
	if fn != nil {
		fn(ap.cfg, cause)
	}
}

// Running describes a running application for the console and metrics.
type Running struct {
	Application *analytics.Application
	Metrics     *Metrics
}

// Each calls fn for every running application, in name order.
func (rt *Runtime) Each(fn func(r Running)) {
	rt.mu.Lock()
	apps := make([]*app, 0, len(rt.apps))
	for _, ap := range rt.apps {
		apps = append(apps, ap)
	}
	rt.mu.Unlock()
	sort.Slice(apps, func(i, j int) bool {
		a, b := apps[i].cfg, apps[j].cfg
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Name < b.Name
	})
	for _, ap := range apps {
		fn(Running{Application: ap.cfg, Metrics: &ap.metrics})
	}
}

// Live returns the recent rows of each in-application stream of a running
// application (the sources, the streams its code creates, then
// error_stream), for the console's live view; ok is false when the
// application is not running.
func (rt *Runtime) Live(account, region, name string) (streams []LiveStream, ok bool) {
	rt.mu.Lock()
	var ap *app
	for _, x := range rt.apps {
		if x.cfg.Account == account && x.cfg.Region == region && x.cfg.Name == name {
			ap = x
		}
	}
	rt.mu.Unlock()
	if ap == nil {
		return nil, false
	}
	out := make([]LiveStream, len(ap.rings))
	for i, r := range ap.rings {
		out[i] = r.snapshot()
	}
	return out, true
}
