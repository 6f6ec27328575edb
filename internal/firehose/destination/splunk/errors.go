package splunk

// AWS's Splunk error codes and their messages, as CloudWatch Logs carries
// them (monitoring-with-cloudwatch-logs.md, "Splunk Data Delivery Errors").
const (
	CodeProxyWithoutStickySessions = "Splunk.ProxyWithoutStickySessions"
	CodeDisabledToken              = "Splunk.DisabledToken"
	CodeInvalidToken               = "Splunk.InvalidToken"
	CodeInvalidDataFormat          = "Splunk.InvalidDataFormat"
	CodeInvalidIndex               = "Splunk.InvalidIndex"
	CodeServerError                = "Splunk.ServerError"
	CodeDisabledAck                = "Splunk.DisabledAck"
	CodeAckTimeout                 = "Splunk.AckTimeout"
	CodeMaxRetriesFailed           = "Splunk.MaxRetriesFailed"
	CodeConnectionTimeout          = "Splunk.ConnectionTimeout"
	CodeInvalidEndpoint            = "Splunk.InvalidEndpoint"
	CodeConnectionClosed           = "Splunk.ConnectionClosed"
	CodeSSLUnverified              = "Splunk.SSLUnverified"
	CodeSSLHandshake               = "Splunk.SSLHandshake"
)

// messages maps each code to AWS's message (Message reads it).
var messages = map[string]string{
	CodeProxyWithoutStickySessions: "If you have a proxy (ELB or other) between Kinesis Data Firehose and the HEC node, you must enable sticky sessions to support HEC ACKs.",
	CodeDisabledToken:              "The HEC token is disabled. Enable the token to allow data delivery to Splunk.",
	CodeInvalidToken:               "The HEC token is invalid. Update Kinesis Data Firehose with a valid HEC token.",
	CodeInvalidDataFormat:          "The data is not formatted correctly. To see how to properly format data for Raw or Event HEC endpoints, see Splunk Event Data.",
	CodeInvalidIndex:               "The HEC token or input is configured with an invalid index. Check your index configuration and try again.",
	CodeServerError:                "Data delivery to Splunk failed due to a server error from the HEC node. Kinesis Data Firehose will retry sending the data if the retry duration in your Kinesis Data Firehose is greater than 0. If all the retries fail, Kinesis Data Firehose backs up the data to Amazon S3.",
	CodeDisabledAck:                "Indexer acknowledgement is disabled for the HEC token. Enable indexer acknowledgement and try again. For more info, see Enable indexer acknowledgement.",
	CodeAckTimeout:                 "Did not receive an acknowledgement from HEC before the HEC acknowledgement timeout expired. Despite the acknowledgement timeout, it's possible the data was indexed successfully in Splunk. Kinesis Data Firehose backs up in Amazon S3 data for which the acknowledgement timeout expired.",
	CodeMaxRetriesFailed:           "Failed to deliver data to Splunk or to receive acknowledgment. Check your HEC health and try again.",
	CodeConnectionTimeout:          "The connection to Splunk timed out. This might be a transient error and the request will be retried. Kinesis Data Firehose backs up the data to Amazon S3 if all retries fail.",
	CodeInvalidEndpoint:            "Could not connect to the HEC endpoint. Make sure that the HEC endpoint URL is valid and reachable from Kinesis Data Firehose.",
	CodeConnectionClosed:           "Unable to send data to Splunk due to a connection failure. This might be a transient error. Increasing the retry duration in your Kinesis Data Firehose configuration might guard against such transient failures.",
	CodeSSLUnverified:              "Could not connect to the HEC endpoint. The host does not match the certificate provided by the peer. Make sure that the certificate and the host are valid.",
	CodeSSLHandshake:               "Could not connect to the HEC endpoint. Make sure that the certificate and the host are valid.",
}

// hecCodes maps HEC's status codes (Splunk's "HTTP Event Collector status
// codes") to AWS's error codes. Codes not listed take the code of their
// HTTP status (hecStatus).
var hecCodes = map[int]string{
	1:  CodeDisabledToken,              // 403 Token disabled
	2:  CodeInvalidToken,               // 401 Token is required
	3:  CodeInvalidToken,               // 401 Invalid authorization
	4:  CodeInvalidToken,               // 403 Invalid token
	5:  CodeInvalidDataFormat,          // 400 No data
	6:  CodeInvalidDataFormat,          // 400 Invalid data format
	7:  CodeInvalidIndex,               // 400 Incorrect index
	8:  CodeServerError,                // 500 Internal server error
	9:  CodeServerError,                // 503 Server is busy
	10: CodeProxyWithoutStickySessions, // 400 Data channel is missing
	11: CodeProxyWithoutStickySessions, // 400 Invalid data channel
	12: CodeInvalidDataFormat,          // 400 Event field is required
	13: CodeInvalidDataFormat,          // 400 Event field cannot be blank
	14: CodeDisabledAck,                // 400 ACK is disabled
	15: CodeInvalidDataFormat,          // 400 Error in handling indexed fields
	16: CodeInvalidToken,               // 400 Query string authorization is not enabled
}

// hecStatus is the code of an HTTP status without a known HEC code.
func hecStatus(status int) string {
	switch status {
	case 401, 403:
		return CodeInvalidToken
	case 404:
		return CodeInvalidEndpoint
	case 400:
		return CodeInvalidDataFormat
	}
	return CodeServerError
}

// Message is AWS's message for one of the Code* constants ("" for others).
func Message(code string) string { return messages[code] }
