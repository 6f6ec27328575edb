package testserver

import (
	"sync"
	"time"
)

// Clock is a settable clock for tests of time-dependent behaviour
// (retention, iterator expiry) without sleeping. It starts at the wall
// clock's time, so signatures and timestamps stay plausible.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock at the current time.
func NewClock() *Clock { return &Clock{t: time.Now()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
