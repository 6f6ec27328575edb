package storage

import (
	"errors"
	"fmt"
	"testing"
)

// TestMovedNamesTheUnit: a Moved, however wrapped, is ErrMoved and
// ErrFenced for the client's message and names the unit for the router.
func TestMovedNamesTheUnit(t *testing.T) {
	err := fmt.Errorf("streams: reading: %w", &Moved{Kind: KindStream, ID: "id-1", Name: "orders"})
	if !errors.Is(err, ErrMoved) || !errors.Is(err, ErrFenced) {
		t.Fatalf("%v is not ErrMoved", err)
	}
	m, ok := MovedUnit(err)
	if !ok || *m != (Moved{Kind: KindStream, ID: "id-1", Name: "orders"}) {
		t.Fatalf("MovedUnit(%v) = %+v, %v", err, m, ok)
	}
	if _, ok := MovedUnit(ErrMoved); ok {
		t.Fatal("a bare ErrMoved names a unit")
	}
	if msg, ok := ClientMessage(err); !ok || msg == "" {
		t.Fatalf("ClientMessage(%v) = %q, %v", err, msg, ok)
	}
}
