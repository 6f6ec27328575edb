package ratelimit

import (
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	b := New(10, 5, t0)
	for i := range 5 {
		if !b.Allow(t0, 1) {
			t.Fatalf("call %d of the burst refused", i)
		}
	}
	if b.Allow(t0, 1) {
		t.Fatal("allowed past the burst")
	}
	if b.Allow(t0.Add(50*time.Millisecond), 1) {
		t.Fatal("half a token made a whole one")
	}
	if !b.Allow(t0.Add(100*time.Millisecond), 1) {
		t.Fatal("refill of 1 token in 100 ms at 10/s refused")
	}
	if got := b.Tokens(t0.Add(time.Hour)); got != 5 {
		t.Fatalf("refill beyond burst: %v", got)
	}
	if w := b.Wait(t0.Add(time.Hour), 7); w != 200*time.Millisecond {
		t.Fatalf("Wait for 7 with 5 at 10/s: %v", w)
	}
}

func TestDebt(t *testing.T) {
	t0 := time.Unix(1000, 0)
	b := New(2, 2, t0) // 2 MiB/s read bucket
	if !b.AllowDebt(t0, 10) {
		t.Fatal("a large read on a full bucket refused")
	}
	if b.AllowDebt(t0.Add(3*time.Second), 1) {
		t.Fatal("read allowed while in debt")
	}
	if !b.AllowDebt(t0.Add(4100*time.Millisecond), 1) {
		t.Fatal("read refused after the debt was paid")
	}
}
