package awsproto

import (
	"context"
	"testing"
	"time"
)

func TestBudget(t *testing.T) {
	b := NewBudget(100)
	if n, ok := b.TryAcquire(60); !ok || n != 60 {
		t.Fatalf("TryAcquire(60) = %d, %v", n, ok)
	}
	if _, ok := b.TryAcquire(41); ok {
		t.Fatal("TryAcquire(41) with 40 free succeeded")
	}
	// A waiter is served when room is made, and waiters keep their order:
	// a small request does not overtake a large one.
	big := make(chan int64)
	go func() { n, _ := b.Acquire(context.Background(), 90); big <- n }()
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.waiters.Len() == 1 })
	if _, ok := b.TryAcquire(10); ok {
		t.Fatal("TryAcquire overtook a waiter")
	}
	small := make(chan int64)
	go func() { n, _ := b.Acquire(context.Background(), 10); small <- n }()
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.waiters.Len() == 2 })
	b.Release(60)
	if n := <-big; n != 90 {
		t.Fatalf("big got %d", n)
	}
	if n := <-small; n != 10 || b.Used() != 100 {
		t.Fatalf("small got %d, used %d", n, b.Used())
	}
	// A waiter whose context ends reserves nothing, and lets the one
	// behind it through.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if n, err := b.Acquire(ctx, 50); err == nil || n != 0 {
		t.Fatalf("Acquire past its deadline = %d, %v", n, err)
	}
	b.Release(100)
	if b.Used() != 0 {
		t.Fatalf("used %d after releasing all", b.Used())
	}
	// More than the whole budget is cut to the budget: it runs alone.
	if n, ok := b.TryAcquire(500); !ok || n != 100 {
		t.Fatalf("TryAcquire(500) = %d, %v", n, ok)
	}
	b.Release(100)
	defer func() {
		if recover() == nil {
			t.Fatal("releasing more than reserved did not panic")
		}
	}()
	b.Release(1)
}

func TestBudgetCancelledWhileGranted(t *testing.T) {
	b := NewBudget(10)
	b.TryAcquire(10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := b.Acquire(ctx, 10); done <- err }()
	waitFor(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.waiters.Len() == 1 })
	// Grant and cancel at once: either way the budget must balance.
	b.Release(10)
	cancel()
	if err := <-done; err == nil {
		b.Release(10)
	}
	if b.Used() != 0 {
		t.Fatalf("used %d", b.Used())
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatal("condition not reached")
		}
	}
}
