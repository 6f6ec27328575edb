package analytics

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

// fakeRunner is one node's runtime: it records what it was told to run.
// With holdStart (holdStop) set, Start (Stop) waits for it to close.
type fakeRunner struct {
	mu        sync.Mutex
	running   map[string]map[string]StartingPosition // by application ID: the positions it started from
	starts    int
	stops     int
	holdStart chan struct{}
	holdStop  chan struct{}
	stopCalls int // Stops called, held or not
}

func (r *fakeRunner) wait(ctx context.Context, start bool) error {
	r.mu.Lock()
	hold := r.holdStop
	if start {
		hold = r.holdStart
	}
	r.mu.Unlock()
	if hold == nil {
		return nil
	}
	select {
	case <-hold:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *fakeRunner) Start(ctx context.Context, a *Application, positions map[string]StartingPosition) error {
	if err := r.wait(ctx, true); err != nil {
		return err
	}
	r.mu.Lock()
	if r.running == nil {
		r.running = map[string]map[string]StartingPosition{}
	}
	r.running[a.ID] = maps.Clone(positions)
	r.starts++
	r.mu.Unlock()
	return nil
}

func (r *fakeRunner) Stop(ctx context.Context, a *Application) error {
	r.mu.Lock()
	r.stopCalls++
	r.mu.Unlock()
	if err := r.wait(ctx, false); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.running[a.ID]; ok {
		delete(r.running, a.ID)
		r.stops++
	}
	return nil
}

// runs returns the positions the application runs from, and whether it
// runs.
func (r *fakeRunner) runs(id string) (map[string]StartingPosition, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.running[id]
	return p, ok
}

func (r *fakeRunner) counts() (starts, stops int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.starts, r.stops
}

// anySource is a data stream service where every stream exists.
type anySource struct{}

func (anySource) Check(Caller, string) error { return nil }
func (anySource) Sample(context.Context, Caller, string, StartingPosition, int, time.Duration) ([][]byte, error) {
	return nil, nil
}

var testCaller = Caller{Account: "000000000000", Region: "us-east-1"}

const testStream = "arn:aws:kinesis:us-east-1:000000000000:stream/in"

func testInput() Input {
	return Input{
		NamePrefix: "SOURCE_SQL_STREAM", Kind: KindKinesisStreams, Source: Resource{ARN: testStream},
		Schema: Schema{Format: RecordFormat{Type: FormatCSV, CSV: &CSVMapping{RowDelimiter: "\n", ColumnDelimiter: ","}},
			Columns: []Column{{Name: "V", SQLType: "INTEGER"}}},
	}
}

// placementNodes are two Services over one store, as two nodes of a
// cluster over its etcd: a owns every application at start, b none. Each
// has a runtime of its own. a has app1 (with an input, RUNNING) and app2
// (READY, no input).
func placementNodes(t *testing.T) (a, b *Service, ra, rb *fakeRunner, meta storage.MetaStore) {
	t.Helper()
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { backend.Close() })
	ra, rb = new(fakeRunner), new(fakeRunner)
	if a, err = New(ctx, Config{Streams: anySource{}, Runner: ra}, backend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.Create(ctx, testCaller, CreateParams{Name: "app1", Inputs: []Input{testInput()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(ctx, testCaller, CreateParams{Name: "app2"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx, testCaller, "app1", false, map[string]StartingPosition{"1.1": PositionTrimHorizon}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, a, "app1", StatusRunning)
	if b, err = New(ctx, Config{Streams: anySource{}, Runner: rb, Owns: func(string) bool { return false }}, backend); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b, ra, rb, backend.Meta()
}

func waitStatus(t *testing.T, s *Service, name string, want Status) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		app, err := s.Describe(testCaller, name)
		if err != nil {
			t.Fatal(err)
		}
		if app.Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("application %s is %s, want %s", name, app.Status, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitRuns waits until the runner runs the application and returns the
// positions it started from.
func waitRuns(t *testing.T, r *fakeRunner, id string) map[string]StartingPosition {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if p, ok := r.runs(id); ok {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the runtime does not run application %s", id)
		}
		time.Sleep(time.Millisecond)
	}
}

func wantElsewhere(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrMoved) {
		t.Fatalf("%s on an application another node owns: %v, want storage.ErrMoved", what, err)
	}
	if m, ok := storage.MovedUnit(err); !ok || m.Kind != storage.KindApplication || m.ID == "" || m.Name == "" {
		t.Fatalf("%s: %v does not name the application for the router", what, err)
	}
	if msg, ok := storage.ClientMessage(err); !ok || msg == "" {
		t.Fatalf("%s: no client message for %v", what, err)
	}
}

// everything returns every key and value of the analytics metadata.
func everything(t *testing.T, meta storage.MetaStore) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := meta.Scan(context.Background(), "analytics/", func(k string, v []byte) error {
		out[k] = string(v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// An application another node owns is described and listed from the
// metadata followed, and every change of it fails as moved, changing
// nothing and running nothing.
func TestRemoteApplicationRefusesChanges(t *testing.T) {
	ctx := context.Background()
	a, b, ra, rb, meta := placementNodes(t)
	before := everything(t, meta)

	if apps, _ := b.List(testCaller, "", 0); len(apps) != 2 {
		t.Fatalf("ListApplications on the follower: %d applications", len(apps))
	}
	app1, err := b.Describe(testCaller, "app1")
	if err != nil || app1.Status != StatusRunning {
		t.Fatalf("DescribeApplication of a remote application: %+v, %v", app1, err)
	}
	if _, err := b.Tags(testCaller, app1.ARN()); err != nil {
		t.Fatalf("ListTagsForResource of a remote application: %v", err)
	}
	if vs, _, err := b.Versions(ctx, testCaller, "app1", 0, 10); err != nil || len(vs) != 1 {
		t.Fatalf("ListApplicationVersions of a remote application: %d, %v", len(vs), err)
	}
	if _, err := b.Version(ctx, testCaller, "app1", 1); err != nil {
		t.Fatalf("DescribeApplicationVersion of a remote application: %v", err)
	}

	v := int64(1)
	ch := Change{Version: &v}
	code := "CREATE OR REPLACE STREAM \"OUT\" (V INTEGER);"
	wantElsewhere(t, "StartApplication", b.Start(ctx, testCaller, "app2", false, nil))
	wantElsewhere(t, "StopApplication", b.Stop(ctx, testCaller, "app1", false))
	wantElsewhere(t, "DeleteApplication", b.Delete(ctx, testCaller, "app2", false, app1.Created.UnixMilli()))
	wantElsewhere(t, "DeleteApplication of a running one", b.Delete(ctx, testCaller, "app1", false, app1.Created.UnixMilli()))
	_, err = b.UpdateApplication(ctx, testCaller, "app1", ch, Update{Code: &code})
	wantElsewhere(t, "UpdateApplication", err)
	_, err = b.AddInput(ctx, testCaller, "app2", ch, testInput())
	wantElsewhere(t, "AddApplicationInput", err)
	fn := Resource{ARN: "arn:aws:lambda:us-east-1:000000000000:function:f"}
	_, err = b.AddInputProcessing(ctx, testCaller, "app1", ch, "1.1", fn)
	wantElsewhere(t, "AddApplicationInputProcessingConfiguration", err)
	_, err = b.DeleteInputProcessing(ctx, testCaller, "app1", ch, "1.1")
	wantElsewhere(t, "DeleteApplicationInputProcessingConfiguration", err)
	_, err = b.AddOutput(ctx, testCaller, "app1", ch, Output{Name: "OUT", Kind: KindKinesisStreams, Destination: Resource{ARN: testStream}, Format: FormatJSON})
	wantElsewhere(t, "AddApplicationOutput", err)
	_, err = b.DeleteOutput(ctx, testCaller, "app1", ch, "1.1")
	wantElsewhere(t, "DeleteApplicationOutput", err)
	_, err = b.AddReference(ctx, testCaller, "app1", ch, Reference{TableName: "R", Bucket: Resource{ARN: "arn:aws:s3:::b"}, FileKey: "k", Schema: testInput().Schema})
	wantElsewhere(t, "AddApplicationReferenceDataSource", err)
	_, err = b.DeleteReference(ctx, testCaller, "app1", ch, "1.1")
	wantElsewhere(t, "DeleteApplicationReferenceDataSource", err)
	_, err = b.AddLogging(ctx, testCaller, "app1", ch, LoggingOption{LogStream: "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s"})
	wantElsewhere(t, "AddApplicationCloudWatchLoggingOption", err)
	_, err = b.DeleteLogging(ctx, testCaller, "app1", ch, "1.1")
	wantElsewhere(t, "DeleteApplicationCloudWatchLoggingOption", err)
	wantElsewhere(t, "TagResource", b.Tag(ctx, testCaller, app1.ARN(), []Tag{{Key: "k", Value: "v"}}))
	wantElsewhere(t, "UntagResource", b.Untag(ctx, testCaller, app1.ARN(), []string{"k"}))
	// Moved comes first, before the checks that would refuse the request
	// for what it asks: the owner may answer otherwise.
	wantElsewhere(t, "StopApplication of a READY one", b.Stop(ctx, testCaller, "app2", false))
	stale := int64(7)
	_, err = b.UpdateApplication(ctx, testCaller, "app1", Change{Version: &stale}, Update{})
	wantElsewhere(t, "UpdateApplication with another version", err)
	many := make([]Tag, MaxTags+1)
	for i := range many {
		many[i] = Tag{Key: fmt.Sprint(i)}
	}
	wantElsewhere(t, "TagResource with too many tags", b.Tag(ctx, testCaller, app1.ARN(), many))
	if _, err := b.Create(ctx, testCaller, CreateParams{Name: "app1"}); KindOf(err) != KindInUse {
		t.Fatalf("CreateApplication of a name another node serves: %v, want ResourceInUse", err)
	}
	// The runtime reports a failure of an application it does not run
	// (a move raced it): nothing is recorded here.
	b.Failed(app1, errors.New("failed elsewhere"))
	// Whatever asks, the metadata writes themselves refuse it.
	changed := app1.clone()
	changed.Status = StatusReady
	wantElsewhere(t, "a metadata write", b.persist(ctx, changed, true))
	b.mu.Lock()
	err = b.remove(ctx, app1)
	b.mu.Unlock()
	wantElsewhere(t, "a metadata deletion", err)

	if after := everything(t, meta); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the refused operations changed the metadata:\n%v\nwas\n%v", after, before)
	}
	if starts, stops := rb.counts(); starts != 0 || stops != 0 {
		t.Fatalf("the follower's runtime started %d and stopped %d applications", starts, stops)
	}
	if _, ok := ra.runs(app1.ID); !ok {
		t.Fatal("the owner no longer runs its application")
	}
	if got, _ := a.Describe(testCaller, "app1"); got.Status != StatusRunning || got.Version != 1 || len(got.Tags) != 0 {
		t.Fatalf("the owner's application after the refused operations: %s, version %d, tags %v", got.Status, got.Version, got.Tags)
	}
}

// A running application moves from one node to the other: the old owner's
// runtime stops it without a change to its status, refuses it from then
// on, and the new owner's runtime runs it from its last stopped point.
func TestApplicationMovesBetweenNodes(t *testing.T) {
	ctx := context.Background()
	a, b, ra, rb, meta := placementNodes(t)
	app1, _ := a.Describe(testCaller, "app1")
	key := metaKey(app1)

	a.DropApplication(app1.ID)
	if _, ok := ra.runs(app1.ID); ok {
		t.Fatal("the old owner still runs the dropped application")
	}
	if stored := everything(t, meta)[key]; !containsStatus(stored, StatusRunning) {
		t.Fatalf("the dropped application's stored state: %s, want RUNNING", stored)
	}
	wantElsewhere(t, "StopApplication after the drop", a.Stop(ctx, testCaller, "app1", false))
	if got, err := a.Describe(testCaller, "app1"); err != nil || got.Status != StatusRunning {
		t.Fatalf("DescribeApplication at the old owner: %+v, %v", got, err)
	}

	if err := b.LoadApplication(ctx, app1.ID); err != nil {
		t.Fatal(err)
	}
	// The stored state says RUNNING all along: the new owner's runtime
	// starting it is what shows.
	if positions := waitRuns(t, rb, app1.ID); positions["1.1"] != PositionLastStopped {
		t.Fatalf("the new owner runs the application from %v, want from LAST_STOPPED_POINT", positions)
	}
	if err := b.LoadApplication(ctx, app1.ID); err != nil {
		t.Fatal(err)
	}
	if starts, _ := rb.counts(); starts != 1 {
		t.Fatalf("loading an owned application again started it %d times", starts)
	}
	if err := b.Stop(ctx, testCaller, "app1", false); err != nil {
		t.Fatalf("StopApplication at the new owner: %v", err)
	}
	waitStatus(t, b, "app1", StatusReady)
	if _, ok := rb.runs(app1.ID); ok {
		t.Fatal("the new owner's runtime did not stop the application")
	}
	// The other application stays where it was.
	app2, _ := a.Describe(testCaller, "app2")
	if err := a.Tag(ctx, testCaller, app2.ARN(), []Tag{{Key: "k", Value: "v"}}); err != nil {
		t.Fatalf("TagResource of the application that did not move: %v", err)
	}
	wantElsewhere(t, "TagResource of the other's application", b.Tag(ctx, testCaller, app2.ARN(), []Tag{{Key: "k", Value: "w"}}))
}

// containsStatus reports whether an application's stored JSON has the
// status.
func containsStatus(stored string, st Status) bool {
	return strings.Contains(stored, `"status":"`+string(st)+`"`)
}

// holdRunner makes the runner's Start (with start) or Stop wait until
// the returned channel closes.
func holdRunner(r *fakeRunner, start bool) chan struct{} {
	hold := make(chan struct{})
	r.mu.Lock()
	if start {
		r.holdStart = hold
	} else {
		r.holdStop = hold
	}
	r.mu.Unlock()
	return hold
}

// An application dropped in the middle of a transition: the drop waits for
// the transition in flight, which leaves its end to the next owner, and
// the next owner resumes it from the persisted state.
func TestLoadApplicationResumesTransition(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// begin starts the transition with a's runtime held, and returns
		// the channel that releases it.
		begin func(t *testing.T, a *Service, ra *fakeRunner, app *Application) chan struct{}
		// then is the state the next owner settles in; "" for gone.
		then Status
	}{
		{"starting", func(t *testing.T, a *Service, ra *fakeRunner, app *Application) chan struct{} {
			if err := a.Stop(ctx, testCaller, app.Name, false); err != nil {
				t.Fatal(err)
			}
			waitStatus(t, a, app.Name, StatusReady)
			hold := holdRunner(ra, true)
			if err := a.Start(ctx, testCaller, app.Name, false, nil); err != nil {
				t.Fatal(err)
			}
			return hold
		}, StatusRunning},
		{"stopping", func(t *testing.T, a *Service, ra *fakeRunner, app *Application) chan struct{} {
			hold := holdRunner(ra, false)
			if err := a.Stop(ctx, testCaller, app.Name, false); err != nil {
				t.Fatal(err)
			}
			return hold
		}, StatusReady},
		{"updating", func(t *testing.T, a *Service, ra *fakeRunner, app *Application) chan struct{} {
			hold := holdRunner(ra, true) // its Stop is done, its Start in flight
			v := app.Version
			code := "CREATE OR REPLACE STREAM \"X\" (V INTEGER);"
			if _, err := a.UpdateApplication(ctx, testCaller, app.Name, Change{Version: &v}, Update{Code: &code}); err != nil {
				t.Fatal(err)
			}
			return hold
		}, StatusRunning},
		{"deleting", func(t *testing.T, a *Service, ra *fakeRunner, app *Application) chan struct{} {
			hold := holdRunner(ra, false)
			if err := a.Delete(ctx, testCaller, app.Name, false, app.Created.UnixMilli()); err != nil {
				t.Fatal(err)
			}
			return hold
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, ra, rb, meta := placementNodes(t)
			app1, _ := a.Describe(testCaller, "app1")
			hold := tc.begin(t, a, ra, app1)
			pending, _ := a.Describe(testCaller, "app1")
			dropped := make(chan struct{})
			go func() {
				a.DropApplication(app1.ID)
				close(dropped)
			}()
			select {
			case <-dropped:
				t.Fatal("the drop did not wait for the transition in flight")
			case <-time.After(50 * time.Millisecond):
			}
			close(hold)
			<-dropped
			if _, ok := ra.runs(app1.ID); ok {
				t.Fatal("the old owner runs the dropped application")
			}
			if stored := everything(t, meta)[metaKey(app1)]; !containsStatus(stored, pending.Status) {
				t.Fatalf("the old owner settled the transition after the drop: %s, want %s", stored, pending.Status)
			}

			if err := b.LoadApplication(ctx, app1.ID); err != nil {
				t.Fatal(err)
			}
			if tc.then == "" {
				deadline := time.Now().Add(10 * time.Second)
				for {
					if _, err := b.Describe(testCaller, "app1"); KindOf(err) == KindNotFound {
						break
					}
					if time.Now().After(deadline) {
						t.Fatal("the new owner did not finish the deletion")
					}
					time.Sleep(time.Millisecond)
				}
				if left := everything(t, meta); len(left) != 2 { // app2 and its version
					t.Fatalf("metadata left after the deletion: %v", left)
				}
				return
			}
			waitStatus(t, b, "app1", tc.then)
			_, runs := rb.runs(app1.ID)
			if runs != (tc.then == StatusRunning) {
				t.Fatalf("the new owner's runtime runs the application: %v, in state %s", runs, tc.then)
			}
			if stored := everything(t, meta)[metaKey(app1)]; !containsStatus(stored, tc.then) {
				t.Fatalf("stored state after the new owner resumed: %s", stored)
			}
		})
	}
}

// A follower rereads what the owner changed: tags, a new application, a
// deletion; its own applications it leaves alone.
func TestFollowRereadsOthersApplications(t *testing.T) {
	ctx := context.Background()
	a, b, _, rb, _ := placementNodes(t)
	app1, _ := a.Describe(testCaller, "app1")
	if err := a.Tag(ctx, testCaller, app1.ARN(), []Tag{{Key: "team", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, metaKey(app1)); err != nil {
		t.Fatal(err)
	}
	if tags, err := b.Tags(testCaller, app1.ARN()); err != nil || len(tags) != 1 || tags[0].Value != "x" {
		t.Fatalf("tags the follower sees: %v, %v", tags, err)
	}

	app3, err := a.Create(ctx, testCaller, CreateParams{Name: "app3"})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, metaKey(app3)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Describe(testCaller, "app3"); err != nil {
		t.Fatalf("an application created elsewhere, followed: %v", err)
	}
	wantElsewhere(t, "TagResource of a followed new application", b.Tag(ctx, testCaller, app3.ARN(), []Tag{{Key: "k", Value: "v"}}))

	app2, _ := a.Describe(testCaller, "app2")
	if err := a.Delete(ctx, testCaller, "app2", false, app2.Created.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, metaKey(app2)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Describe(testCaller, "app2"); KindOf(err) != KindNotFound {
		t.Fatalf("an application deleted elsewhere, followed: %v, want ResourceNotFound", err)
	}
	// A new application of the same name is a new remote one.
	app2b, err := a.Create(ctx, testCaller, CreateParams{Name: "app2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Follow(ctx, metaKey(app2b)); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Describe(testCaller, "app2"); err != nil || got.ID != app2b.ID {
		t.Fatalf("the application created again, followed: %+v, %v", got, err)
	}

	// b owns app1 now; rereading its metadata does not make it remote at b.
	a.DropApplication(app1.ID)
	if err := b.LoadApplication(ctx, app1.ID); err != nil {
		t.Fatal(err)
	}
	waitRuns(t, rb, app1.ID)
	if err := b.Follow(ctx, metaKey(app1)); err != nil {
		t.Fatal(err)
	}
	if err := b.Tag(ctx, testCaller, app1.ARN(), []Tag{{Key: "team", Value: "y"}}); err != nil {
		t.Fatalf("the owner followed its own application and lost it: %v", err)
	}
	if _, ok := rb.runs(app1.ID); !ok {
		t.Fatal("the owner followed its own application and stopped running it")
	}
	if err := b.Follow(ctx, "analytics/applications/x"); err == nil {
		t.Fatal("Follow of a key that names no application: no error")
	}
}

// FollowAll catches up on what a watch that started over missed: an
// application created, one changed and one deleted elsewhere meanwhile.
func TestFollowAllCatchesUp(t *testing.T) {
	ctx := context.Background()
	a, b, _, _, _ := placementNodes(t)
	if _, err := a.Create(ctx, testCaller, CreateParams{Name: "app3"}); err != nil {
		t.Fatal(err)
	}
	app1, _ := a.Describe(testCaller, "app1")
	if err := a.Tag(ctx, testCaller, app1.ARN(), []Tag{{Key: "team", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	app2, _ := a.Describe(testCaller, "app2")
	if err := a.Delete(ctx, testCaller, "app2", false, app2.Created.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := b.FollowAll(ctx); err != nil {
		t.Fatal(err)
	}
	apps, _ := b.List(testCaller, "", 0)
	var names []string
	for _, app := range apps {
		names = append(names, app.Name)
	}
	if fmt.Sprint(names) != "[app1 app3]" {
		t.Fatalf("applications the follower lists after FollowAll: %v", names)
	}
	if tags, _ := b.Tags(testCaller, app1.ARN()); len(tags) != 1 {
		t.Fatalf("tags the follower sees after FollowAll: %v", tags)
	}
	wantElsewhere(t, "TagResource of an application FollowAll found", b.Tag(ctx, testCaller, app1.ARN(), nil))
}

// A Stop that comes while the new owner's restart of a RUNNING
// application is still starting it waits for that start (so that it
// finds the application to stop), and has the last word: the restart
// does not write RUNNING over its STOPPING, and the application ends
// READY and not running.
func TestStopDuringRestartWins(t *testing.T) {
	ctx := context.Background()
	a, b, _, rb, _ := placementNodes(t)
	app1, _ := a.Describe(testCaller, "app1")
	a.DropApplication(app1.ID)
	releaseStart, releaseStop := make(chan struct{}), make(chan struct{})
	rb.mu.Lock()
	rb.holdStart, rb.holdStop = releaseStart, releaseStop
	rb.mu.Unlock()
	if err := b.LoadApplication(ctx, app1.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(ctx, testCaller, "app1", false); err != nil {
		t.Fatalf("StopApplication while the restart starts it: %v", err)
	}
	rb.mu.Lock()
	early := rb.stopCalls
	rb.mu.Unlock()
	if early != 0 {
		t.Fatal("the Stop reached the runtime before the restart's start ended")
	}
	close(releaseStart)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		rb.mu.Lock()
		calls := rb.stopCalls
		rb.mu.Unlock()
		if calls == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Stop did not reach the runtime after the start")
		}
	}
	// The restart has settled (the Stop runs only after it).
	if got, _ := b.Describe(testCaller, "app1"); got.Status != StatusStopping {
		t.Fatalf("after the restart settled, before the stop: %s, want STOPPING", got.Status)
	}
	close(releaseStop)
	waitStatus(t, b, "app1", StatusReady)
	if _, ok := rb.runs(app1.ID); ok {
		t.Fatal("the application still runs in the runtime after the Stop")
	}
}
