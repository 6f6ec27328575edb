package awsproto

import (
	"context"
	"net/http"

	"sluice/internal/awsproto/shape"
)

// Service is one AWS API served on the shared port, e.g. Kinesis with
// target prefix "Kinesis_20131202" and signing name "kinesis".
type Service struct {
	// TargetPrefix is the part of X-Amz-Target before the dot.
	TargetPrefix string
	// SigningName is the service name in the SigV4 credential scope.
	SigningName string
	// Operations by name.
	Operations map[string]*Operation
}

// NewService returns a Service with the given operations.
func NewService(targetPrefix, signingName string, ops ...*Operation) *Service {
	s := &Service{TargetPrefix: targetPrefix, SigningName: signingName, Operations: make(map[string]*Operation, len(ops))}
	for _, op := range ops {
		s.Operations[op.Name] = op
	}
	return s
}

// Operation is one API operation: its input shape and its handler.
type Operation struct {
	Name  string
	Input *shape.Shape
	// call decodes the checked body into the typed input and runs the
	// handler. A nil result means an empty response body.
	call func(ctx context.Context, body shape.Value) (any, error)
	// stream, when set, answers with a streaming body (event streams).
	stream func(ctx context.Context, body shape.Value, w ResponseStream) error
}

// ResponseStream is what a streaming operation writes its answer to.
type ResponseStream interface {
	http.ResponseWriter
	http.Flusher
	// ContentType is the request's encoding (JSON or CBOR media type).
	ContentType() string
}

// Op returns an Operation whose handler takes the decoded input struct.
// Handlers return errors; an *awserr.Error reaches the client as it is, any
// other error as InternalFailure (the cause goes to the log).
func Op[In, Out any](name string, input *shape.Shape, handler func(ctx context.Context, in *In) (*Out, error)) *Operation {
	return &Operation{
		Name:  name,
		Input: input,
		call: func(ctx context.Context, body shape.Value) (any, error) {
			in := new(In)
			if err := shape.Decode(input, body, in); err != nil {
				return nil, err
			}
			out, err := handler(ctx, in)
			if err != nil {
				return nil, err
			}
			if out == nil {
				return nil, nil
			}
			return out, nil
		},
	}
}

// StreamOp returns an Operation that writes its own streaming response,
// such as SubscribeToShard's event stream.
func StreamOp[In any](name string, input *shape.Shape, handler func(ctx context.Context, in *In, w ResponseStream) error) *Operation {
	return &Operation{
		Name:  name,
		Input: input,
		stream: func(ctx context.Context, body shape.Value, w ResponseStream) error {
			in := new(In)
			if err := shape.Decode(input, body, in); err != nil {
				return err
			}
			return handler(ctx, in, w)
		},
	}
}
