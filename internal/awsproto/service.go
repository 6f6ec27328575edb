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
	// IAM, when set, authorizes every operation against the caller's
	// identity policies before it runs.
	IAM *IAM
	// MaxBodyBytes is the largest request body the service takes, as AWS
	// bounds its largest request (0: the Handler's MaxBodyBytes). A
	// Content-Length over it is refused before a byte is read, a chunked
	// body as soon as it passes it: 413 RequestEntityTooLargeException.
	MaxBodyBytes int64
}

// NewService returns a Service with the given operations.
func NewService(targetPrefix, signingName string, ops ...*Operation) *Service {
	s := &Service{TargetPrefix: targetPrefix, SigningName: signingName, Operations: make(map[string]*Operation, len(ops))}
	for _, op := range ops {
		s.Operations[op.Name] = op
	}
	return s
}

// Releaser is implemented by answers that hold borrowed memory (a
// GetRecords page read into a logstore.Arena): the handler calls Release
// once the answer is written, and never touches the answer after.
type Releaser interface {
	Release()
}

// Operation is one API operation: its input shape and its handler.
type Operation struct {
	Name  string
	Input *shape.Shape
	// decode checks a generic body against Input and returns the typed
	// input (a *In).
	decode func(body shape.Value) (any, error)
	// fastJSON, when set, decodes common well-formed JSON bodies straight
	// into the typed input; ok=false falls back to decode.
	fastJSON func(body []byte) (any, bool)
	// invoke runs the handler on a typed input. A nil result means an
	// empty response body.
	invoke func(ctx context.Context, in any) (any, error)
	// stream, when set instead of invoke, writes a streaming answer.
	stream func(ctx context.Context, in any, w ResponseStream) error
}

// ResponseStream is what a streaming operation writes its answer to.
type ResponseStream interface {
	http.ResponseWriter
	http.Flusher
	// ContentType is the request's encoding (JSON or CBOR media type).
	ContentType() string
}

func decoder[In any](input *shape.Shape) func(shape.Value) (any, error) {
	return func(body shape.Value) (any, error) {
		in := new(In)
		if err := shape.Decode(input, body, in); err != nil {
			return nil, err
		}
		return in, nil
	}
}

// Op returns an Operation whose handler takes the decoded input struct.
// Handlers return errors; an *awserr.Error reaches the client as it is, any
// other error as InternalFailure (the cause goes to the log).
func Op[In, Out any](name string, input *shape.Shape, handler func(ctx context.Context, in *In) (*Out, error)) *Operation {
	return &Operation{
		Name:   name,
		Input:  input,
		decode: decoder[In](input),
		invoke: func(ctx context.Context, in any) (any, error) {
			out, err := handler(ctx, in.(*In))
			if err != nil || out == nil {
				return nil, err
			}
			return out, nil
		},
	}
}

// WithFastJSON gives op a decoder for the common, well-formed JSON bodies
// of a hot operation. It must accept only bodies the generic path would
// accept, and produce the same input; anything else it declines (ok=false)
// and the generic path answers, with AWS's exact errors.
func WithFastJSON[In any](op *Operation, fast func(body []byte) (*In, bool)) *Operation {
	op.fastJSON = func(body []byte) (any, bool) {
		in, ok := fast(body)
		return in, ok
	}
	return op
}

// StreamOp returns an Operation that writes its own streaming response,
// such as SubscribeToShard's event stream.
func StreamOp[In any](name string, input *shape.Shape, handler func(ctx context.Context, in *In, w ResponseStream) error) *Operation {
	return &Operation{
		Name:   name,
		Input:  input,
		decode: decoder[In](input),
		stream: func(ctx context.Context, in any, w ResponseStream) error {
			return handler(ctx, in.(*In), w)
		},
	}
}
