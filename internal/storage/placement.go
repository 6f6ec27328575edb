package storage

import "sync"

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
