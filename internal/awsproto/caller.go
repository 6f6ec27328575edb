package awsproto

import (
	"context"

	"sluice/internal/policy"
)

// Caller is who sent a request, as established by authentication.
type Caller struct {
	// AccountID is the 12-digit account the request acts in.
	AccountID string
	// Region comes from the signature's credential scope.
	Region string
	// AccessKeyID is the signing key.
	AccessKeyID string
	// RequestID is the x-amzn-RequestId of the response.
	RequestID string
	// Endpoint is the base URL the request came in on (scheme://host, from
	// the Host header), set by the RESTHandler: what services that hand out
	// their own URL answer when no public URL is configured.
	Endpoint string
	// Auth is the principal with its policies and the request's condition
	// facts, for the services' authorization checks.
	Auth *policy.Caller
	// LimitKey is what the per-key rate limit charges: the access key,
	// or for temporary credentials the key or role they were made from
	// (so that minting sessions does not mint allowances).
	LimitKey string
}

type callerKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller of the request ctx belongs to.
func CallerFrom(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	return c
}
