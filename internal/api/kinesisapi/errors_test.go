package kinesisapi

import (
	"errors"
	"testing"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/streams"
)

// TestWireKeepsTheDomainError: the AWS error a domain error becomes still
// unwraps to it, which a cluster node reads (a stream it has not heard of
// is asked of the owner) and the client never sees.
func TestWireKeepsTheDomainError(t *testing.T) {
	err := wire(&streams.Error{Kind: streams.KindNotFound, Msg: "Stream s under account 000000000000 not found."})
	var e *awserr.Error
	if !errors.As(err, &e) || e.Code != awserr.ResourceNotFoundException || e.Message != "Stream s under account 000000000000 not found." {
		t.Fatalf("wire: %v", err)
	}
	var de *streams.Error
	if !errors.As(err, &de) || de.Kind != streams.KindNotFound {
		t.Fatalf("%v does not unwrap to the domain error", err)
	}
}
