package awsproto

import (
	"strconv"
	"testing"
	"time"
)

// TestKeyLimiter: each key has its own bucket of burst, refilled at the
// rate; a nil limiter allows all; past maxLimitedKeys the full buckets are
// dropped.
func TestKeyLimiter(t *testing.T) {
	if NewKeyLimiter(0, 5, nil) != nil || !(*KeyLimiter)(nil).Allow("k") {
		t.Fatal("a zero rate must mean no limiter")
	}
	now := time.Unix(1000, 0)
	l := NewKeyLimiter(2, 3, func() time.Time { return now })
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("call %d within the burst refused", i)
		}
	}
	if l.Allow("a") || !l.Allow("b") || l.Throttled() != 1 {
		t.Fatalf("the burst spent: a allowed or b refused (%d throttled)", l.Throttled())
	}
	now = now.Add(500 * time.Millisecond)
	if !l.Allow("a") || l.Allow("a") {
		t.Fatal("half a second at 2/s refills one call")
	}
	if got := NewKeyLimiter(0.5, 0, nil).burst; got != 1 {
		t.Fatalf("burst for 0.5/s: %v", got)
	}
	l = NewKeyLimiter(2, 3, func() time.Time { return now })
	for i := range maxLimitedKeys {
		l.Allow(strconv.Itoa(i))
	}
	now = now.Add(10 * time.Second)
	l.Allow("new")
	if n := len(l.buckets); n != 1 {
		t.Fatalf("%d buckets kept after the sweep of full ones", n)
	}
}
