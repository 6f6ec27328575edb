package analytics

import (
	"context"
	"errors"

	"sluice/internal/firehose"
)

// FirehoseLambda is the LambdaInvoker over Firehose's client of the
// Lambda-contract endpoint (--lambda-endpoint).
type FirehoseLambda struct {
	Invoker firehose.LambdaInvoker
}

// Invoke implements LambdaInvoker.
func (f FirehoseLambda) Invoke(ctx context.Context, functionARN string, payload []byte) ([]byte, error) {
	out, ierr := f.Invoker.Invoke(ctx, functionARN, payload)
	if ierr != nil {
		return nil, errors.New(ierr.Code + ": " + ierr.Message)
	}
	return out, nil
}
