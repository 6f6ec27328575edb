package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestNowAndSleep(t *testing.T) {
	fixed := time.Unix(100, 0)
	if got := Now(func() time.Time { return fixed }); !got.Equal(fixed) {
		t.Fatalf("Now with a clock = %v", got)
	}
	if got := Now(nil); time.Since(got) > time.Minute {
		t.Fatalf("Now without a clock = %v", got)
	}
	var slept time.Duration
	if err := Sleep(context.Background(), func(_ context.Context, d time.Duration) error { slept = d; return nil }, time.Hour); err != nil || slept != time.Hour {
		t.Fatalf("injected Sleep: %v %v", err, slept)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, nil, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on an ended context = %v", err)
	}
	if err := Sleep(context.Background(), nil, time.Millisecond); err != nil {
		t.Fatalf("real Sleep = %v", err)
	}
}
