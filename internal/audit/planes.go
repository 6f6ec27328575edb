package audit

import "strings"

// dataPlane lists, by signing name, the operations that are not recorded
// unless denied: the data plane, which CloudTrail logs as data events (or,
// for Firehose and Video Streams, not at all). Everything else is control
// plane and recorded on every call.
var dataPlane = map[string]map[string]bool{
	"kinesis": {
		"PutRecord": true, "PutRecords": true, "GetRecords": true, "GetShardIterator": true, "SubscribeToShard": true,
	},
	"firehose": {
		"PutRecord": true, "PutRecordBatch": true,
	},
	"kinesisvideo": {
		"PutMedia": true, "GetMedia": true, "GetMediaForFragmentList": true, "ListFragments": true,
		"GetClip": true, "GetImages": true, "GetHLSStreamingSessionURL": true, "GetDASHStreamingSessionURL": true,
	},
	// CloudWatch Logs: reading log events is its data plane.
	"logs": {
		"GetLogEvents": true, "FilterLogEvents": true,
	},
	// Data Analytics has no data plane on the API: applications read and
	// write streams themselves.
	"kinesisanalytics": {},
}

// DataPlane reports whether an operation of the service named signingName
// is data plane (recorded only when denied).
func DataPlane(signingName, operation string) bool {
	return dataPlane[signingName][operation]
}

// readOnly reports whether an operation only reads, as CloudTrail's
// readOnly field says: the Describe, List, Get and Discover operations.
func readOnly(operation string) bool {
	for _, p := range []string{"Describe", "List", "Get", "Discover"} {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}

// eventSource is the service's CloudTrail event source:
// kinesis.amazonaws.com, firehose.amazonaws.com,
// kinesisanalytics.amazonaws.com, kinesisvideo.amazonaws.com,
// logs.amazonaws.com.
func eventSource(signingName string) string {
	if signingName == "" {
		return ""
	}
	return signingName + ".amazonaws.com"
}
