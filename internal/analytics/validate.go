package analytics

import (
	"regexp"
	"slices"
	"strings"
)

// InvalidArgument returns an InvalidArgumentException-kind error, for
// checks the API makes on the request's structure (one of two members
// given, say), so that they map like the domain's own.
func InvalidArgument(format string, args ...any) error {
	return errInvalid(format, args...)
}

var (
	// inAppName is what an in-application stream or column name may not
	// contain (the v2 model's [^-\s<>&]*, checked for v1 requests too).
	inAppName = regexp.MustCompile(`^[^-\s<>&]+$`)
	lambdaARN = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]+)?$`)
	bucketARN = regexp.MustCompile(`^arn:aws[a-z-]*:s3:::[\w.-]{1,255}$`)
	logARN    = regexp.MustCompile(`^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[^:]+:log-stream:[^:]+$`)
)

// maxColumnName is the longest column name (the v2 model's limit).
const maxColumnName = 256

// systemColumns are the columns every in-application source stream has;
// a schema cannot declare them again.
var systemColumns = []string{"ROWTIME"}

// validateSchema checks a SourceSchema: its record format and mapping
// parameters, and its columns' names, types and mappings.
func validateSchema(sch *Schema, what string) error {
	f := &sch.Format
	switch {
	case f.Type == FormatJSON && f.CSV != nil:
		return errInvalid("The %s has RecordFormatType JSON and CSVMappingParameters; JSON records take JSONMappingParameters.", what)
	case f.Type == FormatCSV && f.JSON != nil:
		return errInvalid("The %s has RecordFormatType CSV and JSONMappingParameters; CSV records take CSVMappingParameters.", what)
	case f.JSON != nil && !strings.HasPrefix(f.JSON.RowPath, "$"):
		return errInvalid("The RecordRowPath %q of the %s is not a JSONPath: it must start with $.", f.JSON.RowPath, what)
	case f.CSV != nil && (f.CSV.RowDelimiter == "" || f.CSV.ColumnDelimiter == ""):
		return errInvalid("The CSV delimiters of the %s must not be empty.", what)
	case sch.Encoding != "" && sch.Encoding != Encoding:
		return errInvalid("The RecordEncoding of the %s must be UTF-8: %s.", what, sch.Encoding)
	case len(sch.Columns) == 0:
		return errInvalid("The %s must have at least one column.", what)
	}
	seen := make(map[string]bool, len(sch.Columns))
	for i, col := range sch.Columns {
		switch {
		case col.Name == "":
			return errInvalid("Column %d of the %s has no name.", i+1, what)
		case len(col.Name) > maxColumnName || !inAppName.MatchString(col.Name):
			return errInvalid("Column name %q of the %s is not valid: it must be 1 to %d characters, without -, whitespace, <, > or &.", col.Name, what, maxColumnName)
		case slices.Contains(systemColumns, col.Name):
			return errInvalid("Column name %s of the %s is reserved: every in-application stream has it.", col.Name, what)
		case seen[col.Name]:
			return errInvalid("Column name %s appears twice in the %s.", col.Name, what)
		}
		seen[col.Name] = true
		if err := checkSQLType(col.SQLType); err != nil {
			return errInvalid("Invalid SqlType of column %s of the %s: %v.", col.Name, what, err)
		}
		// AWS takes any mapping (its own tests map columns to
		// "MAPPING-2"); a JSON column needs one.
		if f.Type == FormatJSON && (col.Mapping == nil || *col.Mapping == "") {
			return errInvalid("Column %s of the %s has no Mapping: JSON records need a JSONPath for each column.", col.Name, what)
		}
	}
	return nil
}

// validateInput checks an input and, with refs, that its source exists and
// its preprocessor can run (a configuration change checks what it
// changes).
func (s *Service) validateInput(c Caller, in *Input, refs bool) error {
	if !inAppName.MatchString(in.NamePrefix) {
		return errInvalid("NamePrefix %q is not valid: it must not contain -, whitespace, <, > or &.", in.NamePrefix)
	}
	if in.Parallelism == 0 {
		in.Parallelism = 1
	}
	if in.Parallelism < 1 || in.Parallelism > MaxParallelism {
		return errInvalid("InputParallelism Count must be from 1 to %d: %d.", MaxParallelism, in.Parallelism)
	}
	if refs {
		if err := s.checkSource(c, in.Kind, in.Source.ARN, "input"); err != nil {
			return err
		}
		if in.Processing != nil {
			if err := s.checkLambda(in.Processing.ARN, "InputLambdaProcessor"); err != nil {
				return err
			}
		}
	}
	return validateSchema(&in.Schema, "input schema")
}

// checkSource checks that a stream or delivery stream exists.
func (s *Service) checkSource(c Caller, kind, arn, what string) error {
	var src Source
	var noun string
	switch kind {
	case KindKinesisStreams:
		src, noun = s.cfg.Streams, "Kinesis stream"
	case KindKinesisFirehose:
		src, noun = s.cfg.DeliveryStreams, "Firehose delivery stream"
	default:
		return errInvalid("Unknown %s kind %s.", what, kind)
	}
	if src == nil {
		return errInvalid("This server cannot read or write %ss.", noun)
	}
	if err := src.Check(c, arn); err != nil {
		return errInvalid("Kinesis Analytics cannot use the %s %s as %s: %v", noun, arn, what, err)
	}
	return nil
}

// checkLambda checks a function ARN and that the server can invoke
// functions.
func (s *Service) checkLambda(arn, what string) error {
	if !lambdaARN.MatchString(arn) {
		return errInvalid("The %s ResourceARN %s is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>).", what, arn)
	}
	if s.cfg.Lambda == nil {
		return errInvalid("%s needs a Lambda endpoint: start sluice with --lambda-endpoint.", what)
	}
	return nil
}

// validateOutput checks an output and, with refs, that its destination
// exists (or, for a function, that functions can be invoked).
func (s *Service) validateOutput(c Caller, out *Output, refs bool) error {
	if !inAppName.MatchString(out.Name) {
		return errInvalid("Output name %q is not valid: it must name an in-application stream, without -, whitespace, <, > or &.", out.Name)
	}
	if out.Format != FormatJSON && out.Format != FormatCSV {
		return errInvalid("DestinationSchema RecordFormatType must be JSON or CSV: %s.", out.Format)
	}
	if !refs {
		return nil
	}
	if out.Kind == KindLambda {
		return s.checkLambda(out.Destination.ARN, "LambdaOutput")
	}
	return s.checkSource(c, out.Kind, out.Destination.ARN, "output")
}

// validateReference checks a reference data source.
func validateReference(r *Reference) error {
	if r.TableName == "" {
		return errInvalid("The reference data source has no TableName.")
	}
	if !bucketARN.MatchString(r.Bucket.ARN) {
		return errInvalid("BucketARN %s is not an S3 bucket ARN (arn:aws:s3:::<bucket>).", r.Bucket.ARN)
	}
	if r.FileKey == "" {
		return errInvalid("The reference data source has no FileKey.")
	}
	return validateSchema(&r.Schema, "reference schema")
}

// validateLogging checks a CloudWatch logging option.
func validateLogging(l *LoggingOption) error {
	if !logARN.MatchString(l.LogStream) {
		return errInvalid("LogStreamARN %s is not a CloudWatch Logs log stream ARN (arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:<stream>).", l.LogStream)
	}
	return nil
}

// validateTags checks tags given in one request.
func validateTags(tags []Tag) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return errInvalid("Tag keys starting with aws: are reserved for AWS: %s.", t.Key)
		}
		if seen[t.Key] {
			return errInvalid("Tag key %s is given twice.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// Unsupported returns an UnsupportedOperationException-kind error, for
// operations the API refuses as a whole.
func Unsupported(format string, args ...any) error {
	return newErr(KindUnsupported, format, args...)
}
