// Package clock is the time the destination clients share: each client
// takes an injected Now and Sleep (tests move them) and falls back to the
// real clock through these helpers.
package clock

import (
	"context"
	"time"
)

// Now is now(), or the real time when now is nil.
func Now(now func() time.Time) time.Time {
	if now != nil {
		return now()
	}
	return time.Now()
}

// Sleep is sleep(ctx, d), or a real wait of d that ends early with ctx's
// error when ctx ends, when sleep is nil.
func Sleep(ctx context.Context, sleep func(context.Context, time.Duration) error, d time.Duration) error {
	if sleep != nil {
		return sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
