package analytics

import (
	"context"
	"errors"
	"fmt"

	"sluice/internal/analytics/value"
)

// Runner runs started applications: it reads their inputs, runs their
// code and writes their outputs. The SQL engine's integration implements
// it; without one, StartApplication is refused (ErrNoEngine).
//
// The Service calls Start and Stop from its own goroutines, at most one
// transition per application at a time, and persists the state around
// them: STARTING before Start and RUNNING after it; STOPPING before Stop
// and READY after it. A configuration change to a running application is a
// Stop followed by a Start from the last stopped points (UPDATING in
// between). At server start the Service starts again every application
// that was running, from its last stopped points, so the Runner is told
// about all of them (all this node owns, in a cluster: LoadApplication
// does the same for one, and DropApplication stops one with no change to
// its state, for its next owner's Runner to start again). At shutdown the
// Service stops nothing: applications stay RUNNING in the store, and the
// Runner's owner shuts the runtime down (committing positions) after
// closing the Service. The Runner keeps the positions in the metadata
// store under CheckpointPrefix(app), which the Service deletes with the
// application; an input whose source changed is started from NOW, so
// positions in the old source must not be taken for it (key them by
// source too). A running application that fails by itself is reported
// with Service.Failed. Start and Stop must return when ctx ends (the
// Service is closing).
type Runner interface {
	// Start starts running app, each input (by ID) from its position:
	// NOW, TRIM_HORIZON, or LAST_STOPPED_POINT (where Stop, a shutdown or
	// a crash left it). It returns once the application runs, or with the
	// reason it cannot.
	Start(ctx context.Context, app *Application, positions map[string]StartingPosition) error
	// Stop stops app, recording each input's position as its last stopped
	// point.
	Stop(ctx context.Context, app *Application) error
}

// Start starts an application (READY → STARTING → RUNNING): positions
// gives each input's starting position by input ID; inputs left out start
// from NOW.
func (s *Service) Start(ctx context.Context, c Caller, name string, api2 bool, positions map[string]StartingPosition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.current(c, name, api2)
	if err != nil {
		return err
	}
	if cur.Status != StatusReady {
		return errState(cur, "StartApplication")
	}
	if len(cur.Inputs) == 0 {
		return newErr(KindInvalidConfiguration, "Application %s has no input to read: add one (AddApplicationInput) before starting it.", cur.Name)
	}
	for id := range positions {
		if cur.Input(id) == nil {
			return errInvalid("Input %s is not an input of application %s.", id, cur.Name)
		}
	}
	if s.cfg.Runner == nil {
		return ErrNoEngine
	}
	a := cur.clone()
	for i := range a.Inputs {
		in := &a.Inputs[i]
		pos, ok := positions[in.ID]
		if !ok || pos == "" {
			pos = PositionNow
		}
		in.Position = pos
	}
	if err := s.begin(ctx, a, StatusStarting); err != nil {
		return err
	}
	started := make(map[string]StartingPosition, len(a.Inputs))
	for _, in := range a.Inputs {
		started[in.ID] = in.Position
		if in.Position == PositionLastStopped && !in.Ran {
			// AWS starts an application that never ran from
			// LAST_STOPPED_POINT (its own tests do); there is no such
			// point yet, so the input starts from NOW.
			started[in.ID] = PositionNow
		}
	}
	s.spawn(a, func() { s.finishStart(a, started) })
	return nil
}

// finishStart runs the Runner's Start and settles the state: RUNNING, or
// READY when the application could not start.
func (s *Service) finishStart(a *Application, positions map[string]StartingPosition) {
	err := s.cfg.Runner.Start(s.ctx, a, positions)
	if s.ctx.Err() != nil {
		return // shutting down: the persisted state is resumed at the next start
	}
	s.settleStart(a, err, "application failed to start")
}

// settleStart ends a (re)start: RUNNING, every input having run, or READY
// after err, logged as msg.
func (s *Service) settleStart(a *Application, err error, msg string) {
	s.settleEnd(a, func(b *Application) {
		if err != nil {
			s.log.Error(msg, "name", a.Name, "account", a.Account, "region", a.Region, "err", err)
			b.Status = StatusReady
			return
		}
		b.Status = StatusRunning
		for i := range b.Inputs {
			b.Inputs[i].Ran = true
		}
	})
}

// current returns the application a Start, Stop or Delete of the API
// (v2 when api2) acts on.
func (s *Service) current(c Caller, name string, api2 bool) (*Application, error) {
	cur, err := s.get(c, name)
	if err != nil {
		return nil, err
	}
	if err := s.refuseRemote(cur); err != nil {
		return nil, err
	}
	if err := s.check(cur, Change{API2: api2}); err != nil {
		return nil, err
	}
	return cur, nil
}

// begin persists a, a changed copy of the current application, in a
// transition's status, and makes it the current one.
func (s *Service) begin(ctx context.Context, a *Application, status Status) error {
	a.Status = status
	if err := s.persist(ctx, a, false); err != nil {
		return err
	}
	s.apps[keyOf(a)] = a
	return nil
}

// settle applies the end of a transition to the application the
// transition began with, if it is still the current one and still this
// node's (one dropped meanwhile is settled by its next owner, which
// resumes the transition its persisted state names). fn changes a copy
// and says whether it changed anything worth storing.
func (s *Service) settle(a *Application, fn func(b *Application) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.apps[keyOf(a)]
	if cur == nil || cur.ID != a.ID || s.remote.Has(a.ID) {
		return
	}
	b := cur.clone()
	if fn(b) {
		s.store(s.ctx, b, false)
	}
}

// settleEnd is settle for the end a transition itself reaches: only while
// the application is still in the status the transition began in. A Stop
// that came while the restart of a RUNNING application (at start, or when
// this node took it over) was still starting it has the last word: the
// restart must not write RUNNING over its STOPPING or READY.
func (s *Service) settleEnd(a *Application, fn func(b *Application)) {
	s.settle(a, func(b *Application) bool {
		if b.Status != a.Status {
			return false
		}
		fn(b)
		return true
	})
}

// Stop stops a running application (RUNNING → STOPPING → READY).
func (s *Service) Stop(ctx context.Context, c Caller, name string, api2 bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.current(c, name, api2)
	if err != nil {
		return err
	}
	if cur.Status != StatusRunning {
		return errState(cur, "StopApplication")
	}
	a := cur.clone()
	if err := s.begin(ctx, a, StatusStopping); err != nil {
		return err
	}
	s.spawn(a, func() { s.finishStop(a) })
	return nil
}

func (s *Service) finishStop(a *Application) {
	err := s.stopRunner(a)
	if s.ctx.Err() != nil {
		return
	}
	if err != nil {
		s.log.Error("stopping application", "name", a.Name, "account", a.Account, "region", a.Region, "err", err)
	}
	s.settleEnd(a, func(b *Application) { b.Status = StatusReady })
}

// finishUpdate restarts a running application with its new configuration:
// inputs that ran resume from their last stopped points, new ones start
// from NOW.
func (s *Service) finishUpdate(old, a *Application) {
	err := s.cfg.Runner.Stop(s.ctx, old)
	if err == nil {
		err = s.cfg.Runner.Start(s.ctx, a, resumePositions(a))
	}
	if s.ctx.Err() != nil {
		return
	}
	s.settleStart(a, err, "application failed to restart with its new configuration")
}

// Failed is how the runtime reports that a running application stopped by
// itself (a failure it cannot recover from): the application becomes
// READY, its inputs keep their last stopped points, and the cause is
// logged.
func (s *Service) Failed(app *Application, cause error) {
	s.settle(app, func(b *Application) bool {
		if b.Status != StatusRunning {
			return false
		}
		s.log.Error("application stopped by a failure", "name", b.Name, "account", b.Account, "region", b.Region, "err", cause)
		b.Status = StatusReady
		return true
	})
}

// Delete deletes an application. createTimestamp (epoch milliseconds)
// must be its CreateTimestamp to the second: boto3 sends timestamps in
// whole seconds, so AWS cannot compare finer. A running application is
// stopped first (DELETING meanwhile); a READY one is gone when Delete
// returns.
func (s *Service) Delete(ctx context.Context, c Caller, name string, api2 bool, createTimestamp int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.current(c, name, api2)
	if err != nil {
		return err
	}
	if cur.Created.Unix() != value.FloorDiv(createTimestamp, 1000) {
		return newErr(KindConcurrentModification,
			"The CreateTimestamp %s does not match the creation time of application %s, %s: describe the application and retry with its CreateTimestamp.",
			fmtMillis(createTimestamp), cur.Name, fmtMillis(cur.Created.UnixMilli()))
	}
	switch cur.Status {
	case StatusReady:
		return s.remove(ctx, cur)
	case StatusRunning:
	default:
		return errState(cur, "DeleteApplication")
	}
	a := cur.clone()
	if err := s.begin(ctx, a, StatusDeleting); err != nil {
		return err
	}
	s.spawn(a, func() {
		if err := s.stopRunner(a); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Error("stopping a deleted application", "name", a.Name, "err", err)
		}
		if s.ctx.Err() != nil {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.remote.Has(a.ID) {
			return // dropped meanwhile: its next owner finishes the deletion
		}
		if err := s.remove(s.ctx, a); err != nil {
			s.log.Error("deleting application", "name", a.Name, "err", err)
		}
	})
	return nil
}

// stopRunner stops a running application. Without a Runner nothing runs
// (an application left RUNNING by a build that had the engine), so there
// is nothing to stop.
func (s *Service) stopRunner(a *Application) error {
	if s.cfg.Runner == nil {
		return nil
	}
	return s.cfg.Runner.Stop(s.ctx, a)
}

// fmtMillis prints epoch milliseconds as the epoch seconds the API shows.
func fmtMillis(ms int64) string {
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}
