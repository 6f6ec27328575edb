package console_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/console"
)

// fakeLive is an AnalyticsBackend with one running application.
type fakeLive struct{ caller awsproto.Caller }

func (f *fakeLive) Live(c awsproto.Caller, app string, rows int) (bool, []console.LiveStream, error) {
	f.caller = c
	if app != "running-app" {
		return false, nil, awserr.New(awserr.ResourceNotFoundException, "Application %s is not found.", app)
	}
	v := "AMZN"
	return true, []console.LiveStream{
		{Name: "DESTINATION_SQL_STREAM", Kind: "stream", Columns: []string{"ROWTIME", "TICKER_SYMBOL"}, Rows: [][]*string{{&v, nil}}, Total: 7},
		{Name: "error_stream", Kind: "error", Columns: []string{"ERROR_TIME"}},
	}, nil
}

func TestConsoleLiveView(t *testing.T) {
	fake := &fakeLive{}
	srv := httptest.NewServer(console.New(console.Options{AccountID: "000000000000", Region: "us-east-1", Analytics: fake}))
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	if status, _, _ := b.do("GET", "/console/analytics/live?application=running-app", "", nil); status != 401 {
		t.Fatalf("live view without a session: %d", status)
	}
	b.session()
	status, _, body := b.do("GET", "/console/analytics/live?application=running-app", "", nil)
	if status != 200 {
		t.Fatalf("live view: %d %s", status, body)
	}
	var got struct {
		Running bool
		Limit   int
		Streams []struct {
			Name, Kind string
			Columns    []string
			Rows       [][]*string
			Total      int64
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Running || got.Limit != console.LiveRows || len(got.Streams) != 2 || fake.caller.AccountID != "000000000000" {
		t.Fatalf("live view = %s (caller %+v)", body, fake.caller)
	}
	if s := got.Streams[0]; s.Total != 7 || len(s.Rows) != 1 || *s.Rows[0][0] != "AMZN" || s.Rows[0][1] != nil {
		t.Fatalf("stream = %+v", s)
	}
	if !strings.Contains(body, `"rows":[]`) { // error_stream: no rows is an empty list, not null
		t.Fatalf("live view = %s", body)
	}
	if status, _, body := b.do("GET", "/console/analytics/live?application=nope", "", nil); status != 400 || !strings.Contains(body, "ResourceNotFoundException") {
		t.Fatalf("unknown application: %d %s", status, body)
	}

	// Without the SQL engine, the live view says so.
	bare := httptest.NewServer(console.New(console.Options{AccountID: "000000000000", Region: "us-east-1"}))
	t.Cleanup(bare.Close)
	b = newBrowser(t, bare.URL)
	b.session()
	if status, _, body := b.do("GET", "/console/analytics/live?application=x", "", nil); status != 501 || !strings.Contains(body, "The SQL engine is not in this build") {
		t.Fatalf("live view without an engine: %d %s", status, body)
	}
}
