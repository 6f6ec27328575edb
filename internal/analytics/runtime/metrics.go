package runtime

import "sync/atomic"

// Metrics are a running application's counters since it started (package
// server exposes them as sluice_analytics_*). They are plain atomics the
// data path updates anyway, so that a scrape costs it nothing.
type Metrics struct {
	// InputRecords and InputBytes count the records read from the source;
	// InputRows the rows they made in the in-application streams.
	InputRecords, InputBytes, InputRows atomic.Int64
	// InputErrors counts failed reads of the source (retried).
	InputErrors atomic.Int64
	// Preprocessed counts records the preprocessor answered Ok;
	// PreprocessDropped Dropped, PreprocessFailed ProcessingFailed (each an
	// error_stream row); PreprocessErrors the invocations that failed and
	// were retried.
	Preprocessed, PreprocessDropped, PreprocessFailed, PreprocessErrors atomic.Int64
	// ErrorRows counts the rows written to error_stream.
	ErrorRows atomic.Int64
	// MillisBehind is how far the application's input is behind the newest
	// record of its source (MillisBehindLatest), 0 when caught up.
	MillisBehind atomic.Int64
	// Outputs are the outputs' counters, in the application's order.
	Outputs []*OutputMetrics
}

// OutputMetrics are one output's counters.
type OutputMetrics struct {
	ID     string // the output's ID
	Stream string // the in-application stream it sends
	Kind   string // KinesisStreams, KinesisFirehose or Lambda
	// Destination is the stream, delivery stream or function ARN.
	Destination string
	// Records and Bytes count what was delivered; Failures the delivery
	// attempts that failed (retried, with backoff); Pending the records
	// waiting to be delivered.
	Records, Bytes, Failures, Pending atomic.Int64
}
