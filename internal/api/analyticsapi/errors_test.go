package analyticsapi

import (
	"errors"
	"testing"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/awserr"
)

// TestWireKeepsTheDomainError: the AWS error a domain error becomes still
// unwraps to it, which a cluster node reads (an application it has not
// heard of is asked of the owner) and the client never sees.
func TestWireKeepsTheDomainError(t *testing.T) {
	msg := "Application a is not found under account 000000000000."
	for _, v2 := range []bool{false, true} {
		err := wire(&analytics.Error{Kind: analytics.KindNotFound, Msg: msg}, v2)
		var e *awserr.Error
		if !errors.As(err, &e) || e.Code.Name != awserr.ResourceNotFoundException.Name || e.Message != msg {
			t.Fatalf("wire (v2 %v): %v", v2, err)
		}
		var de *analytics.Error
		if !errors.As(err, &de) || de.Kind != analytics.KindNotFound {
			t.Fatalf("%v does not unwrap to the domain error", err)
		}
	}
}
