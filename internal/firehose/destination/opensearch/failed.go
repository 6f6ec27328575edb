package opensearch

import (
	"encoding/json"
	"time"
)

// FailedPrefix is the folder AWS appends to the S3 backup prefix for
// documents that could not be indexed.
const FailedPrefix = "AmazonOpenSearchService_failed/"

// FailedRecord is the JSON document AWS writes to the S3 backup for a
// document that could not be indexed ("Data Delivery Failure Handling"):
//
//	{"attemptsMade":…,"arrivalTimestamp":…,"errorCode":…,"errorMessage":…,
//	 "attemptEndingTimestamp":…,"esDocumentId":…,"esIndexName":…,
//	 "esTypeName":…,"rawData":"<base64>"}
//
// with osDocumentId and osIndexName (and no type) for OpenSearch
// Serverless. Timestamps are epoch milliseconds; arrival is the record's
// arrival, end the time delivery was given up. No trailing newline.
func FailedRecord(cfg Config, d Doc, r DocResult, arrival, end time.Time) []byte {
	var v any
	if cfg.Serverless {
		v = struct {
			failedCommon
			OSDocumentID string `json:"osDocumentId"`
			OSIndexName  string `json:"osIndexName"`
			RawData      []byte `json:"rawData"`
		}{common(r, arrival, end), r.ID, r.Index, d.Data}
	} else {
		v = struct {
			failedCommon
			ESDocumentID string `json:"esDocumentId"`
			ESIndexName  string `json:"esIndexName"`
			ESTypeName   string `json:"esTypeName"`
			RawData      []byte `json:"rawData"`
		}{common(r, arrival, end), r.ID, r.Index, r.Type, d.Data}
	}
	b, _ := json.Marshal(v) // strings, numbers and bytes only: cannot fail
	return b
}

type failedCommon struct {
	AttemptsMade           int    `json:"attemptsMade"`
	ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
	ErrorCode              string `json:"errorCode"`
	ErrorMessage           string `json:"errorMessage"`
	AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
}

func common(r DocResult, arrival, end time.Time) failedCommon {
	return failedCommon{r.Attempts, arrival.UnixMilli(), r.Code, r.Message, end.UnixMilli()}
}
