package runtime

import (
	"context"
	"fmt"

	"sluice/internal/analytics"
	"sluice/internal/analytics/record"
	"sluice/internal/analytics/value"
)

// MaxReferenceBytes is the largest reference data object an application
// loads: AWS's limit is 1 GB ("If the object size exceeds the limit,
// Kinesis Data Analytics can't load the data": the application runs with
// an empty table).
const MaxReferenceBytes = 1 << 30

// reference is a reference data source loaded into its table.
type reference struct {
	name    string
	columns []record.Column
	rows    [][]value.Value
	// errs are the rows of the object that did not parse; problem is why
	// the object could not be loaded at all ("" when it was). Both go to
	// error_stream when the application starts.
	errs    []*record.RowError
	problem string
}

// loadReference reads a reference data source's S3 object (the local
// directory Firehose delivers to, or --s3-endpoint) and parses it with its
// schema, as the application starts: the table is not refreshed until the
// application is updated, as on AWS.
func loadReference(ctx context.Context, objects analytics.ObjectReader, ref analytics.Reference, max int64) (*reference, error) {
	p, err := record.NewParser(inputSchema(ref.Schema))
	if err != nil {
		return nil, fmt.Errorf("reference data source %s: %w", ref.TableName, err)
	}
	out := &reference{name: ref.TableName, columns: p.Columns()}
	bucket := analytics.BucketName(ref.Bucket.ARN)
	if objects == nil {
		out.problem = fmt.Sprintf("reference data s3://%s/%s cannot be read: the server has no S3 store", bucket, ref.FileKey)
		return out, nil
	}
	data, err := objects.Get(ctx, bucket, ref.FileKey, max+1)
	switch {
	case err != nil:
		out.problem = fmt.Sprintf("reference data s3://%s/%s could not be read: %v", bucket, ref.FileKey, err)
		return out, nil
	case int64(len(data)) > max:
		out.problem = fmt.Sprintf("reference data s3://%s/%s is larger than %d bytes: it is not loaded", bucket, ref.FileKey, max)
		return out, nil
	}
	n := len(out.columns)
	vals, errs := p.Parse(nil, data)
	out.errs = errs
	for i := 0; i+n <= len(vals); i += n {
		out.rows = append(out.rows, vals[i:i+n:i+n])
	}
	return out, nil
}
