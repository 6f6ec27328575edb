package splunk

import (
	"encoding/json"
	"time"
)

// FailedRecord is the JSON document AWS writes to the S3 backup for a
// record that could not be delivered to Splunk ("Data Delivery Failure
// Handling"):
//
//	{"attemptsMade":…,"arrivalTimestamp":…,"errorCode":"Splunk.AckTimeout",
//	 "errorMessage":…,"attemptEndingTimestamp":…,"rawData":"<base64>",
//	 "EventId":"<record id>"}
//
// r is the Send that failed; timestamps are epoch milliseconds. No
// trailing newline.
func FailedRecord(r Result, data []byte, eventID string, arrival, end time.Time) []byte {
	b, _ := json.Marshal(struct {
		AttemptsMade           int    `json:"attemptsMade"`
		ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
		ErrorCode              string `json:"errorCode"`
		ErrorMessage           string `json:"errorMessage"`
		AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
		RawData                []byte `json:"rawData"`
		EventID                string `json:"EventId"`
	}{r.Attempts, arrival.UnixMilli(), r.Code, r.Message, end.UnixMilli(), data, eventID}) // cannot fail
	return b
}
