package client

import (
	"errors"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
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
