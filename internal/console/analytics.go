package console

import (
	"net/http"

	"sluice/internal/awsproto"
)

// LiveRows is how many recent rows of each in-application stream the live
// view shows.
const LiveRows = 50

// AnalyticsBackend is what the Data Analytics pages read beyond the API:
// the recent rows of a running application's in-application streams (the
// live view; AWS's console had it, the API has no operation for it).
type AnalyticsBackend interface {
	// Live returns the application's in-application streams with up to
	// rows recent rows each, newest first, and whether it runs; an
	// application that does not run has none.
	Live(c awsproto.Caller, application string, rows int) (running bool, streams []LiveStream, err error)
}

// LiveStream is one in-application stream in the live view.
type LiveStream struct {
	Name string `json:"name"`
	// Kind is "source" (fed by the input), "stream" (created by the code)
	// or "error" (error_stream).
	Kind    string   `json:"kind"`
	Columns []string `json:"columns"`
	// Rows are the values as text, nil for NULL, the first column being
	// ROWTIME.
	Rows [][]*string `json:"rows"`
	// Total counts the rows the stream has had since the application
	// started.
	Total int64 `json:"total"`
}

// live is GET /console/analytics/live?application=<name>.
func (c *Console) live(w http.ResponseWriter, r *http.Request) {
	if c.opts.Analytics == nil {
		writeJSONError(w, http.StatusNotImplemented, "UnsupportedOperationException",
			"The SQL engine is not in this build of Sluice yet: there are no running applications to show rows of.")
		return
	}
	if !c.permit(w, r, "kinesisanalytics:DescribeApplication", c.arn(r, "kinesisanalytics", "application/"+r.URL.Query().Get("application"))) {
		return
	}
	running, streams, err := c.opts.Analytics.Live(c.caller(r.Context().Value(sessionKey{}).(*session)), r.URL.Query().Get("application"), LiveRows)
	if err != nil {
		writeAWSError(w, err)
		return
	}
	if streams == nil {
		streams = []LiveStream{}
	}
	for i := range streams {
		if streams[i].Rows == nil {
			streams[i].Rows = [][]*string{}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, struct {
		Running bool         `json:"running"`
		Limit   int          `json:"limit"`
		Streams []LiveStream `json:"streams"`
	}{running, LiveRows, streams})
}
