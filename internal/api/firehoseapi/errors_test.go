package firehoseapi

import (
	"errors"
	"testing"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/firehose"
)

// TestWireKeepsTheDomainError: the AWS error a domain error becomes still
// unwraps to it, which a cluster node reads (a delivery stream it has not
// heard of is asked of the owner) and the client never sees.
func TestWireKeepsTheDomainError(t *testing.T) {
	msg := "Firehose d under account 000000000000 not found."
	err := wire(&firehose.Error{Kind: firehose.KindNotFound, Msg: msg})
	var e *awserr.Error
	if !errors.As(err, &e) || e.Code != awserr.ResourceNotFoundException || e.Message != msg {
		t.Fatalf("wire: %v", err)
	}
	var de *firehose.Error
	if !errors.As(err, &de) || de.Kind != firehose.KindNotFound {
		t.Fatalf("%v does not unwrap to the domain error", err)
	}
}
