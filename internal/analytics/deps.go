package analytics

import (
	"context"
	"time"
)

// Source is a kind of streaming source or destination of another Sluice
// service: data streams, or Firehose delivery streams.
type Source interface {
	// Check returns nil when the caller's stream (or delivery stream) arn
	// exists, or an error that says why it cannot be used.
	Check(c Caller, arn string) error
	// Sample reads up to max records of arn from pos (NOW or
	// TRIM_HORIZON), waiting up to wait for records that are not there
	// yet; fewer (or none) is not an error.
	Sample(ctx context.Context, c Caller, arn string, pos StartingPosition, max int, wait time.Duration) ([][]byte, error)
}

// ObjectReader reads S3 objects: from the local directory, or an
// S3-compatible endpoint.
type ObjectReader interface {
	// Get returns up to max bytes of the object; a missing object or
	// bucket is an error that says so.
	Get(ctx context.Context, bucket, key string, max int64) ([]byte, error)
}

// LambdaInvoker invokes a Lambda function with a payload and returns its
// answer.
type LambdaInvoker interface {
	Invoke(ctx context.Context, functionARN string, payload []byte) ([]byte, error)
}

// CodeValidator checks application code. It returns nil, a *CodeError
// (answered as CodeValidationException), or another error (a failure of
// its own).
type CodeValidator interface {
	Validate(app *Application) error
}

// CodeError is a positioned error in application code: Line and Column
// (1-based) locate it, Msg is the whole message, position included, as
// CodeValidationException carries it.
type CodeError struct {
	Line, Column int
	Msg          string
}

func (e *CodeError) Error() string { return e.Msg }

// Inferrer infers an input schema from sampled records: the schema, and
// the samples' rows under it, each a list of column values as text, nil
// for NULL (ParsedInputRecords).
type Inferrer interface {
	Infer(samples [][]byte) (Schema, [][]*string, error)
}
