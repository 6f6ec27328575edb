package awsproto

import "context"

// ErrorTakeover is offered the cause of an error a handler is about to
// answer a request with (WithErrorTakeover): a cluster node forwards a
// request whose stream another node owns (the cause is a storage.Moved)
// to that node. When it returns true it has answered the request, and the
// handler writes nothing, nor audits the call: the node that serves it
// does.
type ErrorTakeover func(cause error) bool

type takeoverKey struct{}

// WithErrorTakeover returns ctx carrying f for the handler serving the
// request.
func WithErrorTakeover(ctx context.Context, f ErrorTakeover) context.Context {
	return context.WithValue(ctx, takeoverKey{}, f)
}

func errorTakeover(ctx context.Context) ErrorTakeover {
	f, _ := ctx.Value(takeoverKey{}).(ErrorTakeover)
	return f
}

// TakeOver offers cause to the ErrorTakeover ctx carries, if any, for a
// handler outside this package (video playback's GETs): true when it has
// answered the request, and the caller must write nothing.
func TakeOver(ctx context.Context, cause error) bool {
	f := errorTakeover(ctx)
	return f != nil && f(cause)
}
