package firehose

import "time"

// DeliveryError is one delivery error as Firehose logs it to CloudWatch
// Logs when CloudWatchLoggingOptions are enabled (field names as AWS's
// log events spell them).
type DeliveryError struct {
	Time                    time.Time `json:"-"`
	DeliveryStreamARN       string    `json:"deliveryStreamARN"`
	Destination             string    `json:"destination"`
	DeliveryStreamVersionID int64     `json:"deliveryStreamVersionId"`
	Message                 string    `json:"message"`
	ErrorCode               string    `json:"errorCode"`
	Processor               string    `json:"processor,omitempty"`
	// LogGroupName and LogStreamName are the delivery stream's
	// CloudWatchLoggingOptions ("" when logging is off: the error is
	// still kept for the console's list of recent failures).
	LogGroupName  string `json:"-"`
	LogStreamName string `json:"-"`
}

// ErrorLog receives delivery errors (package deliverylog writes them).
type ErrorLog interface {
	Log(e DeliveryError)
}
