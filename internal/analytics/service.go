package analytics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"sluice/internal/storage"
)

// Config configures the Service. Every dependency is optional: what is
// missing is refused with a clear error, never pretended.
type Config struct {
	Now func() time.Time
	// Streams reads Sluice data streams (KinesisStreamsInput and Output,
	// discovery); nil refuses them.
	Streams Source
	// DeliveryStreams reads Firehose delivery streams (KinesisFirehoseInput
	// and Output, discovery); nil refuses them.
	DeliveryStreams Source
	// Objects reads S3 objects (discovery from S3Configuration); nil
	// refuses it.
	Objects ObjectReader
	// Lambda invokes functions (input preprocessing in discovery); nil
	// refuses LambdaOutput and InputProcessingConfiguration, which need a
	// Lambda endpoint to run.
	Lambda LambdaInvoker
	// Code validates application code; nil stores code unvalidated.
	Code CodeValidator
	// Infer infers a schema from sampled records (DiscoverInputSchema);
	// nil refuses discovery.
	Infer Inferrer
	// Runner runs started applications; nil refuses StartApplication.
	Runner Runner
	// ApplicationLimit is the applications allowed per account and region
	// (AWS: 50).
	ApplicationLimit int
	// SampleRecords is how many records discovery reads at most (100);
	// SampleWait how long it waits for records that are not there yet
	// (NOW, or a stream that holds fewer), 10 s by default.
	SampleRecords int
	SampleWait    time.Duration
	Logger        *slog.Logger
	// Owns, when set, says which applications (by ID) this node owns at
	// start, in a cluster whose applications are spread over nodes; the
	// others are remote (placement.go). Nil owns every application.
	Owns func(applicationID string) bool
	// Place, when set, is called with a new application before anything
	// of it is written, so that a cluster places it on the node that
	// creates it (and fences its FencedKeys).
	Place func(ctx context.Context, a *Application) error
}

// Service is the Data Analytics domain for every account and region.
type Service struct {
	cfg  Config
	meta storage.MetaStore
	log  *slog.Logger

	mu   sync.Mutex
	apps map[appKey]*Application // snapshots: replaced, never changed in place

	// remote are the IDs of the applications another node owns
	// (placement.go); inflight orders the transitions running in the
	// background, by application, for DropApplication to wait for.
	remote   storage.RemoteIDs
	inflight inflight

	// ctx ends with Close: transitions in flight give up, leaving the
	// persisted state for the next start to resume.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type appKey struct{ account, region, name string }

func keyOf(a *Application) appKey { return appKey{a.Account, a.Region, a.Name} }

// Metadata keys: an application's state, and the configuration of each of
// its versions (under its ID, so that a new application of the same name
// never sees an old one's versions).
const (
	keyApplications = "analytics/applications/"
	keyVersions     = "analytics/versions/"
	keyCheckpoints  = "analytics/checkpoints/"
)

// CheckpointPrefix is where the Runner keeps an application's input
// positions in the metadata store (under the application's ID, keyed by
// input ID and source as it sees fit): the Service deletes them with the
// application.
func CheckpointPrefix(a *Application) string { return keyCheckpoints + a.ID + "/" }

func metaKey(a *Application) string {
	return keyApplications + a.Account + "/" + a.Region + "/" + a.Name
}

func versionKey(id string, version int64) string {
	return fmt.Sprintf("%s%s/%010d", keyVersions, id, version)
}

// New loads the applications and resumes their transitions: applications
// that were running (or starting, or updating) are started again by the
// Runner from their last stopped points, those stopping are stopped, those
// deleting are deleted.
func New(ctx context.Context, cfg Config, backend storage.Backend) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ApplicationLimit <= 0 {
		cfg.ApplicationLimit = MaxApplications
	}
	if cfg.SampleRecords <= 0 {
		cfg.SampleRecords = 100
	}
	if cfg.SampleWait <= 0 {
		cfg.SampleWait = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		cfg:  cfg,
		meta: backend.Meta(),
		log:  cfg.Logger.With("component", "analytics"),
		apps: map[appKey]*Application{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.load(ctx); err != nil {
		s.cancel()
		return nil, err
	}
	return s, nil
}

func (s *Service) load(ctx context.Context) error {
	var all []*Application
	err := s.meta.Scan(ctx, keyApplications, func(key string, value []byte) error {
		a := new(Application)
		if err := json.Unmarshal(value, a); err != nil || a.ID == "" || metaKey(a) != key {
			s.log.Error("application metadata damaged: the application is not served", "key", key, "err", err)
			return nil
		}
		all = append(all, a)
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range all {
		s.apps[keyOf(a)] = a
		if !s.owns(a.ID) {
			s.remote.Set(a.ID, true)
		}
	}
	for _, a := range all {
		if !s.remote.Has(a.ID) { // a remote one's transitions are its owner's
			s.resume(ctx, a)
		}
	}
	return nil
}

// resume carries on the transition a persisted application was in.
// Called with s.mu held.
func (s *Service) resume(ctx context.Context, a *Application) {
	switch a.Status {
	case StatusDeleting:
		if err := s.remove(ctx, a); err != nil {
			s.log.Error("finishing the deletion of an application", "name", a.Name, "err", err)
		}
	case StatusStopping:
		// The runtime is not running it (the server stopped): it is stopped.
		b := a.clone()
		b.Status = StatusReady
		s.store(ctx, b, false)
	case StatusRunning, StatusStarting, StatusUpdating:
		if s.cfg.Runner == nil {
			s.log.Error("application was running, but this build has no SQL engine: it is not running",
				"name", a.Name, "account", a.Account, "region", a.Region)
			return
		}
		positions := resumePositions(a)
		s.spawn(a, func() { s.finishStart(a, positions) })
	}
}

// resumePositions starts every input from its last stopped point, and an
// input that never ran from NOW.
func resumePositions(a *Application) map[string]StartingPosition {
	out := make(map[string]StartingPosition, len(a.Inputs))
	for _, in := range a.Inputs {
		if in.Ran {
			out[in.ID] = PositionLastStopped
		} else {
			out[in.ID] = PositionNow
		}
	}
	return out
}

// spawn runs a transition's slow part (the Runner) of application a in
// the background, after the transitions of a begun before it. Called with
// s.mu held, so that DropApplication, which takes it to make the
// application remote, waits for every transition spawned before.
func (s *Service) spawn(a *Application, fn func()) {
	s.wg.Add(1)
	prev, done := s.inflight.begin(a.ID)
	go func() {
		defer s.wg.Done()
		defer s.inflight.end(a.ID, done)
		if prev != nil {
			<-prev
		}
		fn()
	}()
}

// Close ends the transitions in flight (their persisted state is resumed
// at the next start). Running applications stay RUNNING in the store: the
// Runner's owner stops the runtime.
func (s *Service) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Millisecond) }

// persist writes an application's state and, when its version is new, the
// version's configuration, in one transaction.
func (s *Service) persist(ctx context.Context, a *Application, newVersion bool) error {
	if err := s.refuseRemote(a); err != nil {
		return err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx storage.MetaTx) error {
		if newVersion {
			if err := tx.Put(versionKey(a.ID, a.Version), b); err != nil {
				return err
			}
		}
		return tx.Put(metaKey(a), b)
	})
}

// store persists a and publishes it; a failure is logged and the
// published state left as it was. Called with s.mu held, for transitions
// the service makes by itself.
func (s *Service) store(ctx context.Context, a *Application, newVersion bool) bool {
	if err := s.persist(ctx, a, newVersion); err != nil {
		s.log.Error("persisting application state", "name", a.Name, "status", a.Status, "err", err)
		return false
	}
	s.apps[keyOf(a)] = a
	return true
}

// remove deletes an application, its versions and its checkpoints.
// Called with s.mu held.
func (s *Service) remove(ctx context.Context, a *Application) error {
	if err := s.refuseRemote(a); err != nil {
		return err
	}
	var versions []string
	for _, prefix := range []string{keyVersions + a.ID + "/", CheckpointPrefix(a)} {
		if err := s.meta.Scan(ctx, prefix, func(key string, _ []byte) error {
			versions = append(versions, key)
			return nil
		}); err != nil {
			return err
		}
	}
	err := s.meta.Update(ctx, func(tx storage.MetaTx) error {
		for _, k := range versions {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return tx.Delete(metaKey(a))
	})
	if err != nil {
		return err
	}
	if cur := s.apps[keyOf(a)]; cur != nil && cur.ID == a.ID {
		delete(s.apps, keyOf(a))
	}
	return nil
}

// lookup returns the application, or ResourceNotFoundException.
func (s *Service) lookup(c Caller, name string) (*Application, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.get(c, name)
}

// get is lookup with s.mu held.
func (s *Service) get(c Caller, name string) (*Application, error) {
	a := s.apps[appKey{c.Account, c.Region, name}]
	if a == nil {
		return nil, errNotFound(name, c.Account)
	}
	return a, nil
}

// Change is what a configuration change checks before it applies.
type Change struct {
	// API2 is set for a v2 request: it may change applications created
	// through v1 (they become v2 applications, as on AWS).
	API2 bool
	// Version is CurrentApplicationVersionId; nil skips the check (v2
	// requests that give a ConditionalToken instead).
	Version *int64
	// Token is v2's ConditionalToken; "" skips the check.
	Token string
	// Op names the operation for messages.
	Op string
}

// configure applies fn to a copy of the application in a state that
// allows configuration changes (READY or RUNNING), raises its version and
// persists it. A running application is restarted by the Runner with the
// new configuration (UPDATING, then RUNNING again).
func (s *Service) configure(ctx context.Context, c Caller, name string, ch Change, fn func(a *Application) error) (*Application, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.get(c, name)
	if err != nil {
		return nil, err
	}
	if err := s.refuseRemote(cur); err != nil {
		return nil, err
	}
	if err := s.check(cur, ch); err != nil {
		return nil, err
	}
	if cur.Status != StatusReady && cur.Status != StatusRunning {
		return nil, errState(cur, ch.Op)
	}
	if cur.Version >= MaxVersionID {
		return nil, newErr(KindLimitExceeded, "Application %s has reached the highest version ID, %d.", cur.Name, int64(MaxVersionID))
	}
	a := cur.clone()
	a.Version++
	if err := fn(a); err != nil {
		return nil, err
	}
	if err := s.validateCode(a); err != nil {
		return nil, err
	}
	if ch.API2 {
		a.V2 = true
	}
	a.Updated = s.now()
	// Without a Runner nothing runs (see stopRunner): nothing to restart.
	running := cur.Status == StatusRunning && s.cfg.Runner != nil
	if running {
		a.Status = StatusUpdating
	}
	if err := s.persist(ctx, a, true); err != nil {
		return nil, err
	}
	s.apps[keyOf(a)] = a
	if running {
		s.spawn(a, func() { s.finishUpdate(cur, a) })
	}
	return a, nil
}

// check verifies that the request may change the application: a v1
// request not on a v2 application, and the current version (or token).
func (s *Service) check(a *Application, ch Change) error {
	if !ch.API2 && a.V2 {
		return errV2Only(a)
	}
	if ch.Version != nil && *ch.Version != a.Version {
		return errVersion(a, *ch.Version)
	}
	if ch.Token != "" && ch.Token != ConditionalToken(a) {
		return newErr(KindConcurrentModification,
			"The conditional token %s of application %s does not match its current token: describe the application and retry with the current token.", ch.Token, a.Name)
	}
	return nil
}

// ConditionalToken is v2's ConditionalToken: it changes with every
// version.
func ConditionalToken(a *Application) string {
	return fmt.Sprintf("%s%010d", a.ID[:min(len(a.ID), 16)], a.Version)
}

// nextID returns the ID of an item the version adds: "<version>.<n>",
// where n counts the items of its kind added at that version.
func nextID(version int64, taken []string) string {
	prefix := fmt.Sprintf("%d.", version)
	n := 1
	for _, id := range taken {
		if strings.HasPrefix(id, prefix) {
			n++
		}
	}
	return fmt.Sprintf("%s%d", prefix, n)
}

func newAppID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Describe returns an application.
func (s *Service) Describe(c Caller, name string) (*Application, error) {
	return s.lookup(c, name)
}

// List returns the caller's applications in name order after
// exclusiveStart, at most limit, and whether more follow.
func (s *Service) List(c Caller, exclusiveStart string, limit int) ([]*Application, bool) {
	s.mu.Lock()
	var out []*Application
	for k, a := range s.apps {
		if k.account == c.Account && k.region == c.Region && (exclusiveStart == "" || k.name > exclusiveStart) {
			out = append(out, a)
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if limit > 0 && len(out) > limit {
		return out[:limit], true
	}
	return out, false
}

// Versions returns the versions of an application kept so far, in order,
// after exclusiveStart (0 for the first), at most limit, and whether more
// follow.
func (s *Service) Versions(ctx context.Context, c Caller, name string, exclusiveStart int64, limit int) ([]*Application, bool, error) {
	a, err := s.lookup(c, name)
	if err != nil {
		return nil, false, err
	}
	var out []*Application
	more := false
	err = s.meta.Scan(ctx, keyVersions+a.ID+"/", func(_ string, value []byte) error {
		v := new(Application)
		if err := json.Unmarshal(value, v); err != nil {
			return err
		}
		if v.Version <= exclusiveStart || v.Version > a.Version {
			return nil
		}
		if limit > 0 && len(out) == limit {
			more = true
			return nil
		}
		out = append(out, v)
		return nil
	})
	return out, more, err
}

// Version returns the configuration of one version of an application.
func (s *Service) Version(ctx context.Context, c Caller, name string, version int64) (*Application, error) {
	a, err := s.lookup(c, name)
	if err != nil {
		return nil, err
	}
	b, err := s.meta.Get(ctx, versionKey(a.ID, version))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && version > a.Version) {
		return nil, newErr(KindNotFound, "Version %d of application %s is not found.", version, name)
	}
	if err != nil {
		return nil, err
	}
	v := new(Application)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("version %d of application %s: %w", version, name, err)
	}
	return v, nil
}
