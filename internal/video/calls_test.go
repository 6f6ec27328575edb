package video

import (
	"context"
	"testing"
	"time"
)

// With Config.Limits, AWS's control-plane rates answer KindClientLimit
// (ClientLimitExceededException): per stream and per account.
func TestCallLimits(t *testing.T) {
	ctx := context.Background()
	now := time.UnixMilli(1700000000123)
	clock := func() time.Time { return now }
	s, _ := open(t, t.TempDir(), Config{Now: clock, Limits: true})
	for _, name := range []string{"a", "b"} {
		if _, err := s.CreateStream(ctx, caller, CreateStreamParams{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if _, err := s.DescribeStream(caller, Ref{Name: "a"}); err != nil {
			t.Fatalf("DescribeStream %d: %v", i, err)
		}
	}
	if _, err := s.DescribeStream(caller, Ref{Name: "a"}); kindOf(err) != KindClientLimit {
		t.Fatalf("sixth DescribeStream of a stream in a second: %v", err)
	}
	if _, err := s.DescribeStream(caller, Ref{Name: "b"}); err != nil {
		t.Fatalf("another stream: %v", err)
	}
	if _, err := s.DataEndpoint(caller, Ref{Name: "a"}); err != nil {
		t.Fatalf("another operation: %v", err)
	}
	// CreateStream: 50 a second per account (two already spent).
	var limited int
	for i := range 50 {
		if _, err := s.CreateStream(ctx, caller, CreateStreamParams{Name: "c" + string(rune('a'+i%26)) + string(rune('a'+i/26))}); kindOf(err) == KindClientLimit {
			limited++
		}
	}
	if limited != 2 {
		t.Fatalf("%d of 50 CreateStreams limited, want 2", limited)
	}
	now = now.Add(time.Second)
	if _, err := s.DescribeStream(caller, Ref{Name: "a"}); err != nil {
		t.Fatalf("a second later: %v", err)
	}

	off, _ := open(t, t.TempDir(), Config{Now: clock})
	if _, err := off.CreateStream(ctx, caller, CreateStreamParams{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := off.DescribeStream(caller, Ref{Name: "a"}); err != nil {
			t.Fatalf("limits off, call %d: %v", i, err)
		}
	}
}
