package runtime

import (
	"context"
	"maps"
)

// commit checkpoints the application: its outputs' marks and, for each
// input shard, the position to replay from so that every row not yet
// delivered is made again (see the package doc, "Recovery"). It runs on
// the application's goroutine.
func (ap *app) commit(ctx context.Context) error {
	// r is the replay point: the earliest ROWTIME whose records a restart
	// must read again. Future rows depend on nothing before the program's
	// low watermark; rows made and not yet delivered on nothing before the
	// replay point of the call that made them.
	r := ap.prog.LowWatermark()
	if !ap.called {
		r = 0 // nothing taken in yet: every shard from where it starts
	}
	marks := make(map[string]outputMark, len(ap.outputs))
	for _, o := range ap.outputs {
		clock := ap.clock
		if !ap.called {
			clock = 0
		}
		mark, pendingR, ok := o.state(clock)
		if ok {
			r = min(r, pendingR)
		}
		if mark.T > 0 {
			marks[o.cfg.ID] = mark
		}
	}
	// A replay that reaches an output's last delivered ROWTIME must make
	// every row at it again, whole, for the resume filter to recognise
	// them: it starts no later than their replay point.
	for changed := true; changed; {
		changed = false
		for _, m := range marks {
			if m.N > 0 && r <= m.T && m.R < r {
				r, changed = m.R, true
			}
		}
	}
	in := &checkpointInput{Version: checkpointVersion, ARN: ap.input.Source.ARN, Shards: make(map[uint32]position, len(ap.index))}
	for shard, x := range ap.index {
		in.Shards[shard] = x.position(r)
	}
	st := ap.state
	st.Version = checkpointVersion
	st.AppVersion = ap.cfg.Version
	for _, o := range ap.outputs {
		if o.resume != nil && o.resume.byCount {
			// Still dropping what the previous version delivered: a restart
			// must do the same.
			st.AppVersion = ap.state.AppVersion
		}
	}
	st.Outputs = marks
	if err := saveCheckpoint(ctx, ap.rt.cfg.Meta, ap.cfg, &st, ap.input.ID, ap.source, in, !ap.cleaned); err != nil {
		ap.log.Error("checkpointing the application", "err", err)
		return err
	}
	ap.cleaned = true
	ap.state.Outputs = maps.Clone(marks)
	for _, x := range ap.index {
		x.trim(r)
	}
	return nil
}
