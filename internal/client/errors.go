package client

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"
)

// errText is an error as a user wants to read it: an AWS error as its code
// and message, without the SDK's wrapping.
func errText(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode() + ": " + apiErr.ErrorMessage()
	}
	return err.Error()
}

// errCode is an AWS error's code, or "".
func errCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// transient reports whether an error may go away by itself: a server error
// (5xx) or a failure below HTTP, not a client error such as a bad argument.
func transient(err error) bool {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode() >= 500
	}
	var apiErr smithy.APIError
	return !errors.As(err, &apiErr)
}

// throttled are the error codes of a whole call after which the commands
// back off and try again.
var throttled = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"LimitExceededException":                 true,
	"KMSThrottlingException":                 true,
}

// retriable reports whether a failed call is worth making again.
func retriable(err error) bool { return transient(err) || throttled[errCode(err)] }

// noRetries turns the SDK's retries off for a call whose errors the
// caller handles itself: GetRecords (tail backs off) and PutRecords (put
// says when a call it sends again may duplicate records).
func noRetries(o *kinesis.Options) { o.Retryer = retry.AddWithMaxAttempts(o.Retryer, 1) }
