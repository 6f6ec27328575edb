package cluster

import (
	"context"
	"testing"
	"time"
)

// TestLoadedUnitsWait: a wait returns as soon as its unit is loaded, and
// false when the unit is not loaded in time or the request ends.
func TestLoadedUnitsWait(t *testing.T) {
	var l loadedUnits
	l.set("a", true)
	if !l.wait(t.Context(), "a", time.Millisecond) {
		t.Fatal("a loaded unit is waited for")
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		l.set("other", true) // a change that is not b's: b is still waited for
		time.Sleep(20 * time.Millisecond)
		l.set("b", true)
	}()
	if !l.wait(t.Context(), "b", 10*time.Second) {
		t.Fatal("b was loaded while waited for")
	}
	l.set("b", false)
	if l.wait(t.Context(), "b", 30*time.Millisecond) {
		t.Fatal("a dropped unit counts as loaded")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if l.wait(ctx, "c", 10*time.Second) {
		t.Fatal("a wait outlived its request")
	}
	var none *loadedUnits
	none.set("x", true) // a placer without a tracker
	none.expect("x")
}

// TestLoadedUnitsBusy: the tracker is busy from a unit's placement here
// until its load ends, whether it loaded or not.
func TestLoadedUnitsBusy(t *testing.T) {
	var l loadedUnits
	if l.busy() {
		t.Fatal("busy with nothing placed")
	}
	l.expect("a")
	l.expect("b")
	l.set("a", true)
	if !l.busy() {
		t.Fatal("not busy while b is loading")
	}
	l.set("b", false) // its load failed
	if l.busy() {
		t.Fatal("busy once every load ended")
	}
}
