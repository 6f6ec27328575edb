package storage

import (
	"errors"
	"syscall"
)

// FailureReason words err, an append error of a failed Log, for a client:
// what the disk said, without file names.
func FailureReason(err error) string {
	var r interface{ StorageReason() string }
	if errors.As(err, &r) {
		return r.StorageReason()
	}
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full (no space left on device)"
	case errors.Is(err, syscall.EDQUOT):
		return "the disk quota is exceeded"
	case errors.Is(err, syscall.EIO):
		return "the disk reported an I/O error"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only"
	}
	return "the disk refused a write"
}

// ClientMessage words a storage failure for the client of the request it
// failed: a log that cannot write (ErrWriteFailed: to a disk, or to a
// remote store whose error has a StorageReason method), a node that no
// longer owns the data (ErrFenced; ErrMoved for one log) or a log that
// could not be opened (ErrUnavailable). ok is false for any other error.
//
// A remote write can also fail after part of it was committed, or with a
// commit that went unanswered and may have been applied: its error has a
// MaybeStored method that returns true, and the client is told that some
// or all of the request may have been stored, not that nothing was.
func ClientMessage(err error) (msg string, ok bool) {
	var remote interface{ StorageReason() string }
	var maybe interface{ MaybeStored() bool }
	maybeStored := errors.As(err, &maybe) && maybe.MaybeStored()
	switch {
	case maybeStored && errors.Is(err, ErrMoved):
		return "What this request addresses (a stream, delivery stream, application or video stream) moved to " +
			"another Sluice node while this one handled the request, after part of the request was committed: some " +
			"or all of it may have been stored, and retrying may store records twice. The node that owns it now " +
			"serves the retry.", true
	case errors.Is(err, ErrMoved):
		return "What this request addresses (a stream, delivery stream, application or video stream) is served by " +
			"another Sluice node (it moved while this one handled the request), so nothing of the request was " +
			"stored. Retry: the node that owns it now serves it.", true
	case maybeStored && errors.Is(err, ErrFenced):
		return "This Sluice node stopped owning the cluster while it handled the request (its etcd lease lapsed), " +
			"after part of the request was committed: some or all of it may have been stored, and retrying may store " +
			"records twice. Another node takes over within the lease's time to live.", true
	case maybeStored && errors.Is(err, ErrWriteFailed) && errors.As(err, &remote):
		return "Sluice could not confirm that this request was stored: " + remote.StorageReason() + ". Some or all " +
			"of it may have been stored; retrying may store records twice (GET /healthcheck reports the failure " +
			"while it lasts).", true
	case errors.Is(err, ErrWriteFailed) && errors.As(err, &remote):
		return "Sluice could not store this request: " + remote.StorageReason() + ". Nothing of it was stored; " +
			"retry (GET /healthcheck reports the failure while it lasts).", true
	case errors.Is(err, ErrWriteFailed):
		return "Sluice could not write to its disk: " + FailureReason(err) + ". Nothing of this request was stored; " +
			"retry once the disk takes writes again (GET /healthcheck reports the failure while it lasts).", true
	case errors.Is(err, ErrFenced):
		return "This Sluice node stopped owning the cluster while it handled the request (its etcd lease lapsed), so " +
			"nothing of the request was stored. Retry: another node takes over within the lease's time to live.", true
	case errors.Is(err, ErrUnavailable):
		return "This stream's records cannot be read or written: its storage could not be opened when Sluice " +
			"started (the server log says why).", true
	}
	return "", false
}
