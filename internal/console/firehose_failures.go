package console

import (
	"net/http"
	"time"
)

// FirehoseFailure is one delivery error of a delivery stream, as its page
// lists it: AWS's error code and message, and where it happened.
type FirehoseFailure struct {
	Time        time.Time
	ErrorCode   string
	Message     string
	Destination string
	Processor   string
}

// MaxFirehoseFailures bounds the list a delivery stream's page shows.
const MaxFirehoseFailures = 100

// firehoseFailures is GET /console/firehose/failures?name=NAME: the
// delivery stream's recent delivery errors, newest first, for its page's
// "Recent delivery failures" (package deliverylog keeps them).
func (c *Console) firehoseFailures(w http.ResponseWriter, r *http.Request) {
	if c.opts.FirehoseFailures == nil {
		writeJSONError(w, http.StatusNotFound, "NotFound", "Firehose is not served here.")
		return
	}
	if !c.permit(w, r, "firehose:DescribeDeliveryStream", c.arn(r, "firehose", "deliverystream/"+r.URL.Query().Get("name"))) {
		return
	}
	list, err := c.opts.FirehoseFailures(c.caller(r.Context().Value(sessionKey{}).(*session)), r.URL.Query().Get("name"))
	if err != nil {
		writeAWSError(w, err)
		return
	}
	type item struct {
		Time        int64  `json:"time"` // Unix milliseconds
		ErrorCode   string `json:"errorCode"`
		Message     string `json:"message"`
		Destination string `json:"destination,omitempty"`
		Processor   string `json:"processor,omitempty"`
	}
	out := struct {
		Failures []item `json:"failures"`
	}{Failures: []item{}}
	for i, f := range list {
		if i == MaxFirehoseFailures {
			break
		}
		out.Failures = append(out.Failures, item{f.Time.UnixMilli(), f.ErrorCode, f.Message, f.Destination, f.Processor})
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}
