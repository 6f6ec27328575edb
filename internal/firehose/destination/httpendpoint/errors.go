package httpendpoint

// Error codes Firehose logs for HTTP endpoint delivery failures
// (monitoring-with-cloudwatch-logs.md, "HTTPS Endpoint Data Delivery
// Errors", and http_troubleshooting.md).
const (
	CodeDestinationException           = "HttpEndpoint.DestinationException"
	CodeInvalidResponseFromDestination = "HttpEndpoint.InvalidResponseFromDestination"
	CodeRequestTimeout                 = "HttpEndpoint.RequestTimeout"
	CodeResponseTooLarge               = "HttpEndpoint.ResponseTooLarge"
	CodeResponseReasonPhraseExceeded   = "HttpEndpoint.ResponseReasonPhraseExceededLimit"
	CodeConnectionFailed               = "HttpEndpoint.ConnectionFailed"
	CodeConnectionReset                = "HttpEndpoint.ConnectionReset"
	CodeSSLHandshakeFailure            = "HttpEndpoint.SSLHandshakeFailure"
)

// Limits of a response.
const (
	MaxResponseBytes      = 1 << 20 // "must be less than 1 MiB including headers"
	MaxErrorMessageLength = 8192    // errorMessage maxLength
	MaxReasonPhraseLength = 64      // ResponseReasonPhraseExceededLimit
	MessageBodyLimit      = 1024    // bytes of a response body quoted in a Message (Sluice's choice)
)

// DocumentedMessage is the message AWS documents for code; messages in
// Results start with it and may add details after it.
func DocumentedMessage(code string) string {
	switch code {
	case CodeRequestTimeout:
		return "The delivery timed out before a response was received and will be retried. If this error persists, contact the AWS Firehose service team."
	case CodeResponseTooLarge:
		return "The response received from the endpoint is too large. Contact the owner of the endpoint to resolve this issue."
	case CodeInvalidResponseFromDestination:
		return "The response received from the specified endpoint is invalid. Contact the owner of the endpoint to resolve the issue."
	case CodeDestinationException:
		return "The following response was received from the endpoint destination."
	case CodeConnectionFailed:
		return "Unable to connect to the destination endpoint. Contact the owner of the endpoint to resolve this issue."
	case CodeConnectionReset:
		return "Unable to maintain connection with the endpoint. Contact the owner of the endpoint to resolve this issue."
	case CodeSSLHandshakeFailure:
		// Sluice's wording: the troubleshooting page documents the code's
		// meaning, not its message.
		return "Unable to complete an SSL Handshake with the endpoint. Contact the owner of the endpoint to resolve this issue."
	case CodeResponseReasonPhraseExceeded:
		// Sluice's wording (see the package doc).
		return "The response reason phrase received from the endpoint exceeds the limit of 64 characters."
	}
	// AWS's default for anything else.
	return "An internal error occurred while attempting to deliver data. Delivery will be retried; if the error persists, then it will be reported to AWS for resolution."
}
