package storage

import (
	"errors"
	"fmt"
	"sync"
)

// Releaser is a Backend whose logs can be handed to another node (package
// storage/cluster's): Release flushes and closes one log without removing
// anything, for the node that owns it next to open. The embedded backend
// has none: on one node nothing moves.
type Releaser interface {
	Release(id string)
}

// RemoteIDs is the set of the IDs a service's node follows but does not
// own (a stream, delivery stream, application or video stream placed on
// another node): the service's metadata writes refuse them. Its lock is a
// leaf, so that writes may check it under any lock of their own.
type RemoteIDs struct {
	mu  sync.Mutex
	ids map[string]bool
}

// Has reports whether id is another node's.
func (r *RemoteIDs) Has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[id]
}

// Set marks id as another node's (remote) or this node's.
func (r *RemoteIDs) Set(id string, remote bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil {
		r.ids = map[string]bool{}
	}
	if remote {
		r.ids[id] = true
	} else {
		delete(r.ids, id)
	}
}

// Unit kinds, as Moved names them.
const (
	KindStream         = "stream"
	KindDeliveryStream = "deliverystream"
	KindApplication    = "application"
	KindVideoStream    = "videostream"
)

// Moved is what an operation on a unit that another node owns fails with:
// it is ErrMoved (errors.Is), and names the unit, so that the node the
// request reached can forward it to the unit's owner.
type Moved struct {
	Kind string // KindStream, KindDeliveryStream, KindApplication or KindVideoStream
	ID   string
	Name string
}

func (m *Moved) Error() string {
	return fmt.Sprintf("%s %s is owned by another node: %v", m.Kind, m.Name, ErrMoved)
}

func (m *Moved) Unwrap() error { return ErrMoved }

// MovedUnit returns the unit an ErrMoved names, if err is or wraps a
// *Moved.
func MovedUnit(err error) (*Moved, bool) {
	var m *Moved
	ok := errors.As(err, &m)
	return m, ok
}
