package redshift

import (
	"fmt"
	"strings"
)

// Error codes Firehose logs for Amazon Redshift delivery failures
// (monitoring-with-cloudwatch-logs.md, "Amazon Redshift Data Delivery
// Errors"). AWS documents no code for "MAXERROR exceeded": a load that
// fails on its data is Redshift.DataLoadFailed.
const (
	CodeTableNotFound            = "Redshift.TableNotFound"
	CodeSyntaxError              = "Redshift.SyntaxError"
	CodeAuthenticationFailed     = "Redshift.AuthenticationFailed"
	CodeAccessDenied             = "Redshift.AccessDenied"
	CodeS3BucketAccessDenied     = "Redshift.S3BucketAccessDenied"
	CodeDataLoadFailed           = "Redshift.DataLoadFailed"
	CodeColumnNotFound           = "Redshift.ColumnNotFound"
	CodeDatabaseNotFound         = "Redshift.DatabaseNotFound"
	CodeIncorrectCopyOptions     = "Redshift.IncorrectCopyOptions"
	CodeMissingColumn            = "Redshift.MissingColumn"
	CodeConnectionFailed         = "Redshift.ConnectionFailed"
	CodeColumnMismatch           = "Redshift.ColumnMismatch"
	CodeIncorrectOrMissingRegion = "Redshift.IncorrectOrMissingRegion"
	CodeIncorrectJSONPathsFile   = "Redshift.IncorrectJsonPathsFile"
	CodeMissingS3File            = "Redshift.MissingS3File"
	CodeInsufficientPrivilege    = "Redshift.InsufficientPrivilege"
	CodeReadOnlyCluster          = "Redshift.ReadOnlyCluster"
	CodeDiskFull                 = "Redshift.DiskFull"
	CodeInternalError            = "InternalError"
)

// DocumentedMessage is the message AWS documents for code; LoadError
// messages start with it and add Sluice's details after it.
func DocumentedMessage(code string) string {
	switch code {
	case CodeTableNotFound:
		return "The table to which to load data was not found. Ensure that the specified table exists."
	case CodeSyntaxError:
		return "The COPY command contains a syntax error. Retry the command."
	case CodeAuthenticationFailed:
		return "The provided user name and password failed authentication. Provide a valid user name and password."
	case CodeAccessDenied:
		return "Access was denied. Ensure that the trust policy for the provided IAM role allows Kinesis Data Firehose to assume the role."
	case CodeS3BucketAccessDenied:
		return "The COPY command was unable to access the S3 bucket. Ensure that the access policy for the provided IAM role allows access to the S3 bucket."
	case CodeDataLoadFailed:
		return "Loading data into the table failed. Check STL_LOAD_ERRORS system table for details."
	case CodeColumnNotFound:
		return "A column in the COPY command does not exist in the table. Specify a valid column name."
	case CodeDatabaseNotFound:
		return "The database specified in the Amazon Redshift destination configuration or JDBC URL was not found. Specify a valid database name."
	case CodeIncorrectCopyOptions:
		return "Conflicting or redundant COPY options were provided. Some options are not compatible in certain combinations. Check the COPY command reference for more info."
	case CodeMissingColumn:
		return "There is a column defined in the table schema as NOT NULL without a DEFAULT value and not included in the column list. Exclude this column, ensure that the loaded data always provides a value for this column, or add a default value to the Amazon Redshift schema for this table."
	case CodeConnectionFailed:
		return "The connection to the specified Amazon Redshift cluster failed. Ensure that security settings allow Kinesis Data Firehose connections, that the cluster or database specified in the Amazon Redshift destination configuration or JDBC URL is correct, and that the cluster is available."
	case CodeColumnMismatch:
		return "The number of jsonpaths in the COPY command and the number of columns in the destination table should match. Retry the command."
	case CodeIncorrectOrMissingRegion:
		return "Amazon Redshift attempted to use the wrong region endpoint for accessing the S3 bucket. Either specify a correct region value in the COPY command options or ensure that the S3 bucket is in the same region as the Amazon Redshift database."
	case CodeIncorrectJSONPathsFile:
		return "The provided jsonpaths file is not in a supported JSON format. Retry the command."
	case CodeMissingS3File:
		return "One or more S3 files required by Amazon Redshift have been removed from the S3 bucket. Check the S3 bucket policies to remove any automatic deletion of S3 files."
	case CodeInsufficientPrivilege:
		return "The user does not have permissions to load data into the table. Check the Amazon Redshift user permissions for the INSERT privilege."
	case CodeReadOnlyCluster:
		return "The query cannot be executed because the system is in resize mode. Try the query again later."
	case CodeDiskFull:
		return "Data could not be loaded because the disk is full. Increase the capacity of the Amazon Redshift cluster or delete unused data to free disk space."
	}
	return "An internal error occurred while attempting to deliver data. Delivery will be retried; if the error persists, then it will be reported to AWS for resolution."
}

// LoadError is a load that failed: Code and Message are what Firehose
// would log to CloudWatch Logs, Attempts how many COPY attempts were made.
// The caller then skips the objects: it writes their manifest (Manifest)
// under errors/ in the staging bucket.
type LoadError struct {
	Code     string
	Message  string
	Attempts int
	// Errors are the rejected rows of the last attempt, in the manner of
	// Redshift's STL_LOAD_ERRORS (at most MaxReportedRowErrors).
	Errors []RowError
	cause  error
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("%s: %s (%d attempts)", e.Code, e.Message, e.Attempts)
}

// Unwrap returns the PostgreSQL or network error behind e, if any.
func (e *LoadError) Unwrap() error { return e.cause }

// RowError is one rejected input row, like a row of Redshift's
// STL_LOAD_ERRORS: the staged object, the line (for JSON: the last line
// of the object), the column when known, the raw field value (truncated to
// 1024 bytes) and the reason.
type RowError struct {
	Key    string
	Line   int
	Column string
	Value  string
	Reason string
}

func (r RowError) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s line %d", r.Key, r.Line)
	if r.Column != "" {
		fmt.Fprintf(&b, ", column %s", r.Column)
	}
	b.WriteString(": ")
	b.WriteString(r.Reason)
	return b.String()
}

// MaxReportedRowErrors bounds LoadError.Errors and Report.Rejected.
const MaxReportedRowErrors = 100

func newLoadError(code, detail string, cause error) *LoadError {
	msg := DocumentedMessage(code)
	if detail != "" {
		msg += " " + detail
	}
	return &LoadError{Code: code, Message: msg, cause: cause}
}
