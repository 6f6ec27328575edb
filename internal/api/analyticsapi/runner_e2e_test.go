package analyticsapi_test

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/analytics"
	"sluice/internal/testserver"
)

// stubRunner stands in for the SQL engine's Runner: it records what the
// service asks of it, and Start waits for gate when one is set. These
// tests check the state machine the service runs around a Runner, not an
// engine.
type stubRunner struct {
	mu       sync.Mutex
	calls    []string // "start app", "stop app"
	starts   []map[string]analytics.StartingPosition
	gate     chan struct{}
	startErr error
}

func (r *stubRunner) Start(ctx context.Context, app *analytics.Application, positions map[string]analytics.StartingPosition) error {
	r.mu.Lock()
	gate := r.gate
	r.calls = append(r.calls, "start "+app.Name)
	r.starts = append(r.starts, maps.Clone(positions))
	err := r.startErr
	r.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (r *stubRunner) Stop(_ context.Context, app *analytics.Application) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "stop "+app.Name)
	return nil
}

func (r *stubRunner) record() ([]string, []map[string]analytics.StartingPosition) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...), append([]map[string]analytics.StartingPosition(nil), r.starts...)
}

func withRunner(r analytics.Runner) testserver.Option {
	return testserver.WithAnalytics(func(c *analytics.Config) { c.Runner = r })
}

func startApp(t *testing.T, c *ka.Client, name string, pos kat.InputStartingPosition) error {
	t.Helper()
	_, err := c.StartApplication(t.Context(), &ka.StartApplicationInput{ApplicationName: aws.String(name), InputConfigurations: []kat.InputConfiguration{{
		Id: aws.String("1.1"), InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: pos},
	}}})
	return err
}

// TestStateMachine starts, updates, stops and deletes an application
// through a Runner, checking the states, what each allows, and the
// starting positions the Runner is given.
func TestStateMachine(t *testing.T) {
	r := &stubRunner{gate: make(chan struct{})}
	srv := testserver.Start(t, withRunner(r))
	c := srv.AnalyticsClient()
	ctx := t.Context()
	in := createStream(t, srv, "in")
	other := createStream(t, srv, "other")
	if _, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("app"), Inputs: []kat.Input{streamInput(in)}}); err != nil {
		t.Fatal(err)
	}

	if err := startApp(t, c, "app", kat.InputStartingPositionTrimHorizon); err != nil {
		t.Fatal(err)
	}
	d := waitStatus(t, c, "app", kat.ApplicationStatusStarting)
	// STARTING allows neither changes nor a second start, nor deletion.
	_, err := c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(1), ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String("x")}})
	wantErr(t, err, "ResourceInUseException", "Application app is in the STARTING state; UpdateApplication is not allowed in this state.")
	wantErr(t, startApp(t, c, "app", kat.InputStartingPositionNow), "ResourceInUseException", "Application app is in the STARTING state; StartApplication is not allowed in this state.")
	_, err = c.DeleteApplication(ctx, &ka.DeleteApplicationInput{ApplicationName: aws.String("app"), CreateTimestamp: d.CreateTimestamp})
	wantErr(t, err, "ResourceInUseException", "Application app is in the STARTING state; DeleteApplication is not allowed in this state.")
	close(r.gate)
	d = waitStatus(t, c, "app", kat.ApplicationStatusRunning)
	if p := d.InputDescriptions[0].InputStartingPositionConfiguration; p == nil || p.InputStartingPosition != kat.InputStartingPositionTrimHorizon {
		t.Fatalf("starting position = %+v", p)
	}

	// A change to a running application restarts it from its last stopped
	// point; a new source starts from NOW.
	if _, err := c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(1),
		ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String("-- new code\n")}}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "app", kat.ApplicationStatusRunning)
	if _, err := c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(2),
		ApplicationUpdate: &kat.ApplicationUpdate{InputUpdates: []kat.InputUpdate{{InputId: aws.String("1.1"),
			KinesisStreamsInputUpdate: &kat.KinesisStreamsInputUpdate{ResourceARNUpdate: aws.String(other)}}}}}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "app", kat.ApplicationStatusRunning)

	if _, err := c.StopApplication(ctx, &ka.StopApplicationInput{ApplicationName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "app", kat.ApplicationStatusReady)
	if err := startApp(t, c, "app", kat.InputStartingPositionLastStoppedPoint); err != nil {
		t.Fatal(err)
	}
	d = waitStatus(t, c, "app", kat.ApplicationStatusRunning)

	// Deleting a running application stops it first.
	if _, err := c.DeleteApplication(ctx, &ka.DeleteApplicationInput{ApplicationName: aws.String("app"), CreateTimestamp: d.CreateTimestamp}); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := c.DescribeApplication(ctx, &ka.DescribeApplicationInput{ApplicationName: aws.String("app")})
		if err != nil {
			wantErr(t, err, "ResourceNotFoundException", "")
			break
		}
	}

	calls, starts := r.record()
	wantCalls := []string{"start app", "stop app", "start app", "stop app", "start app", "stop app", "start app", "stop app"}
	if !equal(calls, wantCalls) {
		t.Fatalf("runner calls = %v, want %v", calls, wantCalls)
	}
	wantStarts := []analytics.StartingPosition{analytics.PositionTrimHorizon, analytics.PositionLastStopped, analytics.PositionNow, analytics.PositionLastStopped}
	for i, s := range starts {
		if s["1.1"] != wantStarts[i] || len(s) != 1 {
			t.Fatalf("start %d positions = %v, want 1.1: %s", i, s, wantStarts[i])
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestStartFailure: an application the Runner cannot start is READY again.
func TestStartFailure(t *testing.T) {
	r := &stubRunner{startErr: errors.New("no such stream")}
	srv := testserver.Start(t, withRunner(r))
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "in")
	if _, err := c.CreateApplication(t.Context(), &ka.CreateApplicationInput{ApplicationName: aws.String("app"), Inputs: []kat.Input{streamInput(in)}}); err != nil {
		t.Fatal(err)
	}
	if err := startApp(t, c, "app", kat.InputStartingPositionNow); err != nil {
		t.Fatal(err)
	}
	for {
		if calls, _ := r.record(); len(calls) == 1 {
			break
		}
	}
	waitStatus(t, c, "app", kat.ApplicationStatusReady)
	// It never ran: from LAST_STOPPED_POINT it starts from NOW, as AWS
	// starts applications that never ran.
	if err := startApp(t, c, "app", kat.InputStartingPositionLastStoppedPoint); err != nil {
		t.Fatal(err)
	}
	for {
		if calls, starts := r.record(); len(calls) == 2 {
			if starts[1]["1.1"] != analytics.PositionNow {
				t.Fatalf("second start positions = %v", starts[1])
			}
			break
		}
	}
	d := waitStatus(t, c, "app", kat.ApplicationStatusReady)
	if p := d.InputDescriptions[0].InputStartingPositionConfiguration; p.InputStartingPosition != kat.InputStartingPositionLastStoppedPoint {
		t.Fatalf("described position = %v", p.InputStartingPosition)
	}
	_, err := c.StartApplication(t.Context(), &ka.StartApplicationInput{ApplicationName: aws.String("bare"), InputConfigurations: []kat.InputConfiguration{}})
	wantErr(t, err, "ResourceNotFoundException", "")
	if _, err := c.CreateApplication(t.Context(), &ka.CreateApplicationInput{ApplicationName: aws.String("bare")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartApplication(t.Context(), &ka.StartApplicationInput{ApplicationName: aws.String("bare"), InputConfigurations: []kat.InputConfiguration{}})
	wantErr(t, err, "InvalidApplicationConfigurationException", "Application bare has no input to read: add one (AddApplicationInput) before starting it.")
}

// TestRunningSurvivesRestart: an application RUNNING when the server stops
// is started again by the next server's Runner, from its last stopped
// point; READY ones stay READY with their whole configuration.
func TestRunningSurvivesRestart(t *testing.T) {
	dir := testserver.TempDir(t)
	r1 := &stubRunner{}
	srv := testserver.Start(t, testserver.WithDir(dir), withRunner(r1))
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "in")
	out := createStream(t, srv, "out")
	for _, name := range []string{"running", "ready"} {
		if _, err := c.CreateApplication(t.Context(), &ka.CreateApplicationInput{
			ApplicationName: aws.String(name), ApplicationCode: aws.String(filterCode),
			Inputs: []kat.Input{streamInput(in)}, Outputs: []kat.Output{streamOutput(out)},
			Tags: []kat.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := startApp(t, c, "running", kat.InputStartingPositionNow); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "running", kat.ApplicationStatusRunning)
	before := describe(t, c, "ready")
	srv.Stop()

	r2 := &stubRunner{}
	srv2 := testserver.Start(t, testserver.WithDir(dir), withRunner(r2))
	c2 := srv2.AnalyticsClient()
	waitStatus(t, c2, "running", kat.ApplicationStatusRunning)
	calls, starts := r2.record()
	if !equal(calls, []string{"start running"}) || starts[0]["1.1"] != analytics.PositionLastStopped {
		t.Fatalf("after restart the runner got %v %v", calls, starts)
	}
	after := describe(t, c2, "ready")
	if after.ApplicationStatus != kat.ApplicationStatusReady || aws.ToInt64(after.ApplicationVersionId) != 1 ||
		aws.ToString(after.ApplicationCode) != filterCode || !after.CreateTimestamp.Equal(*before.CreateTimestamp) ||
		aws.ToString(after.InputDescriptions[0].InputId) != "1.1" || aws.ToString(after.OutputDescriptions[0].OutputId) != "1.1" {
		t.Fatalf("after restart: %+v\nbefore: %+v", after, before)
	}
	tags, err := c2.ListTagsForResource(t.Context(), &ka.ListTagsForResourceInput{ResourceARN: after.ApplicationARN})
	if err != nil || len(tags.Tags) != 1 {
		t.Fatalf("tags after restart = %v, %v", tags, err)
	}
	// The restarted application stops as any running one.
	if _, err := c2.StopApplication(t.Context(), &ka.StopApplicationInput{ApplicationName: aws.String("running")}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c2, "running", kat.ApplicationStatusReady)

	// Without an engine, a restarted server keeps the applications and
	// refuses to start them.
	srv2.Stop()
	srv3 := testserver.Start(t, testserver.WithDir(dir), withRunner(nil))
	c3 := srv3.AnalyticsClient()
	if d := describe(t, c3, "running"); d.ApplicationStatus != kat.ApplicationStatusReady || aws.ToInt64(d.ApplicationVersionId) != 1 {
		t.Fatalf("after a restart without the engine: %+v", d)
	}
	wantErr(t, startApp(t, c3, "running", kat.InputStartingPositionLastStoppedPoint), "UnsupportedOperationException", "")
}
