package logsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/awsproto"
	"sluice/internal/firehose"
	"sluice/internal/firehose/deliverylog"
)

const (
	account = "123456789012"
	group   = "/aws/kinesisfirehose/orders"
	stream  = "DestinationDelivery"
	arn     = "arn:aws:firehose:us-east-1:123456789012:deliverystream/orders"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// fixture is a Log holding n events of the test stream, one per
// millisecond of ingestion, timestamps 1000+i, messages carrying their
// number; every third event of a second stream "BackupDelivery".
type fixture struct {
	log *deliverylog.Log
	srv *httptest.Server
	clk *clock
}

func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	clk := &clock{t: time.UnixMilli(1_700_000_000_000)}
	l := deliverylog.New(deliverylog.Options{Dir: t.TempDir(), Now: clk.now})
	f := &fixture{log: l, clk: clk}
	for i := range n {
		f.add(stream, i)
		if i%3 == 0 {
			f.add("BackupDelivery", i)
		}
	}
	h := awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: account, DefaultRegion: "us-east-1"}}, New(l))
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) add(s string, i int) {
	f.clk.t = f.clk.t.Add(time.Millisecond)
	f.log.Log(firehose.DeliveryError{
		Time: time.UnixMilli(int64(1000 + i)), DeliveryStreamARN: arn, Destination: "arn:aws:s3:::b",
		DeliveryStreamVersionID: 1, ErrorCode: "S3.NoSuchBucket", Message: fmt.Sprintf("event %d of %s", i, s),
		LogGroupName: group, LogStreamName: s,
	})
}

// call sends a signed CloudWatch Logs request and decodes the answer into
// out, or returns the error's __type.
func (f *fixture) call(t *testing.T, op string, in any, out any) string {
	t.Helper()
	return callAs(t, f.srv.URL, account, op, in, out)
}

func callAs(t *testing.T, url, key, op string, in any, out any) string {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Logs_20140328."+op)
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: "s"}, req,
		hex.EncodeToString(sum[:]), "logs", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(res.Body)
	if res.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		json.Unmarshal(raw.Bytes(), &e)
		return e.Type + ": " + e.Message
	}
	if err := json.Unmarshal(raw.Bytes(), out); err != nil {
		t.Fatalf("%s answer %s: %v", op, raw.String(), err)
	}
	return ""
}

type eventsPage struct {
	Events []struct {
		Timestamp     int64  `json:"timestamp"`
		IngestionTime int64  `json:"ingestionTime"`
		Message       string `json:"message"`
	} `json:"events"`
	NextForwardToken  string `json:"nextForwardToken"`
	NextBackwardToken string `json:"nextBackwardToken"`
}

// numbers returns the event numbers of a page.
func (p eventsPage) numbers(t *testing.T) []int {
	t.Helper()
	var out []int
	for _, e := range p.Events {
		var de firehose.DeliveryError
		if err := json.Unmarshal([]byte(e.Message), &de); err != nil {
			t.Fatalf("message %q: %v", e.Message, err)
		}
		var n int
		fmt.Sscanf(de.Message, "event %d", &n)
		out = append(out, n)
	}
	return out
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func TestGetLogEventsPaging(t *testing.T) {
	f := newFixture(t, 25)
	get := func(in map[string]any) eventsPage {
		t.Helper()
		in["logGroupName"], in["logStreamName"] = group, stream
		var p eventsPage
		if e := f.call(t, "GetLogEvents", in, &p); e != "" {
			t.Fatalf("GetLogEvents %v: %s", in, e)
		}
		return p
	}
	// The default: the latest events.
	p := get(map[string]any{"limit": 10})
	if got := p.numbers(t); fmt.Sprint(got) != fmt.Sprint(seq(15, 25)) {
		t.Fatalf("latest = %v", got)
	}
	// Backward from there.
	p2 := get(map[string]any{"limit": 10, "nextToken": p.NextBackwardToken})
	if got := p2.numbers(t); fmt.Sprint(got) != fmt.Sprint(seq(5, 15)) {
		t.Fatalf("backward = %v", got)
	}
	// Forward from the end: nothing, and the same token.
	p3 := get(map[string]any{"nextToken": p.NextForwardToken})
	if len(p3.Events) != 0 || p3.NextForwardToken != p.NextForwardToken {
		t.Fatalf("at the end: %d events, token %s (was %s)", len(p3.Events), p3.NextForwardToken, p.NextForwardToken)
	}
	// A new event (in the same millisecond as the last: the position
	// counts events within a millisecond) is found with the same token.
	f.clk.t = f.clk.t.Add(-time.Millisecond)
	f.add(stream, 25)
	p4 := get(map[string]any{"nextToken": p.NextForwardToken})
	if got := p4.numbers(t); fmt.Sprint(got) != "[25]" {
		t.Fatalf("follow = %v", got)
	}
	// From the head, forward in pages of 10.
	var all []int
	in := map[string]any{"startFromHead": true, "limit": 10}
	for range 5 {
		pg := get(in)
		all = append(all, pg.numbers(t)...)
		if tok, _ := in["nextToken"].(string); tok == pg.NextForwardToken {
			break
		}
		in["nextToken"] = pg.NextForwardToken
	}
	if fmt.Sprint(all) != fmt.Sprint(seq(0, 26)) {
		t.Fatalf("from the head = %v", all)
	}
	// startTime inclusive, endTime exclusive, on the events' timestamps.
	p5 := get(map[string]any{"startFromHead": true, "startTime": 1003, "endTime": 1007})
	if got := p5.numbers(t); fmt.Sprint(got) != fmt.Sprint(seq(3, 7)) {
		t.Fatalf("time range = %v", got)
	}
	if p5.Events[0].Timestamp != 1003 || p5.Events[0].IngestionTime == 0 {
		t.Fatalf("event = %+v", p5.Events[0])
	}
}

func TestGetLogEventsErrors(t *testing.T) {
	f := newFixture(t, 1)
	tests := []struct {
		in   map[string]any
		want string
	}{
		{map[string]any{"logGroupName": "/aws/none", "logStreamName": stream}, "ResourceNotFoundException: The specified log group does not exist."},
		{map[string]any{"logGroupName": group, "logStreamName": "none"}, "ResourceNotFoundException: The specified log stream does not exist."},
		{map[string]any{"logStreamName": stream}, "InvalidParameterException: Either LogGroupName or LogGroupIdentifier must be specified."},
		{map[string]any{"logGroupName": group, "logGroupIdentifier": group, "logStreamName": stream}, "InvalidParameterException: LogGroupName and LogGroupIdentifier are mutually exclusive parameters."},
		{map[string]any{"logGroupName": group, "logStreamName": stream, "nextToken": "x/1-2"}, "InvalidParameterException: The specified nextToken is invalid."},
		{map[string]any{"logGroupName": group, "logStreamName": stream, "limit": 0}, "ValidationException"},
		{map[string]any{"logGroupName": "bad name", "logStreamName": stream}, "ValidationException"},
		{map[string]any{"logGroupName": group}, "ValidationException"},
		{map[string]any{"logGroupIdentifier": "arn:aws:logs:us-east-1:999999999999:log-group:" + group, "logStreamName": stream}, "ResourceNotFoundException: The specified log group does not exist."},
	}
	for _, tt := range tests {
		var p eventsPage
		if got := f.call(t, "GetLogEvents", tt.in, &p); !strings.HasPrefix(got, tt.want) {
			t.Errorf("GetLogEvents %v = %q, want %q", tt.in, got, tt.want)
		}
	}
	// By ARN (the model's pattern leaves out the ":*" form) or name.
	for _, id := range []string{"arn:aws:logs:us-east-1:123456789012:log-group:" + group, group} {
		var p eventsPage
		if e := f.call(t, "GetLogEvents", map[string]any{"logGroupIdentifier": id, "logStreamName": stream}, &p); e != "" || len(p.Events) != 1 {
			t.Errorf("by identifier %s: %s, %d events", id, e, len(p.Events))
		}
	}
	// Another account sees nothing of this one's groups.
	var p eventsPage
	if e := callAs(t, f.srv.URL, "999999999999", "GetLogEvents", map[string]any{"logGroupName": group, "logStreamName": stream}, &p); !strings.HasPrefix(e, "ResourceNotFoundException") {
		t.Errorf("another account: %q", e)
	}
}

type filterPage struct {
	Events []struct {
		LogStreamName string `json:"logStreamName"`
		Timestamp     int64  `json:"timestamp"`
		Message       string `json:"message"`
		EventID       string `json:"eventId"`
	} `json:"events"`
	SearchedLogStreams []struct {
		LogStreamName      string `json:"logStreamName"`
		SearchedCompletely bool   `json:"searchedCompletely"`
	} `json:"searchedLogStreams"`
	NextToken string `json:"nextToken"`
}

func TestFilterLogEvents(t *testing.T) {
	f := newFixture(t, 9)
	filter := func(in map[string]any) filterPage {
		t.Helper()
		in["logGroupName"] = group
		var p filterPage
		if e := f.call(t, "FilterLogEvents", in, &p); e != "" {
			t.Fatalf("FilterLogEvents %v: %s", in, e)
		}
		return p
	}
	// Both streams, interleaved by timestamp, in pages.
	var got []string
	ids := map[string]bool{}
	in := map[string]any{"limit": 4}
	for {
		p := filter(in)
		for _, e := range p.Events {
			var de firehose.DeliveryError
			json.Unmarshal([]byte(e.Message), &de)
			got = append(got, de.Message)
			ids[e.EventID] = true
		}
		if p.NextToken == "" {
			break
		}
		in["nextToken"] = p.NextToken
	}
	want := []string{}
	for i := range 9 {
		if i%3 == 0 {
			want = append(want, fmt.Sprintf("event %d of BackupDelivery", i))
		}
		want = append(want, fmt.Sprintf("event %d of DestinationDelivery", i))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("events:\n%q\nwant\n%q", got, want)
	}
	if len(ids) != len(want) {
		t.Errorf("%d distinct eventIds for %d events", len(ids), len(want))
	}
	tests := []struct {
		in   map[string]any
		want int
	}{
		{map[string]any{"logStreamNames": []string{"BackupDelivery"}}, 3},
		{map[string]any{"logStreamNamePrefix": "Dest"}, 9},
		{map[string]any{"filterPattern": `"event 3 of"`}, 2},
		{map[string]any{"filterPattern": `S3.NoSuchBucket -Backup`}, 9},
		{map[string]any{"filterPattern": `?"event 1 " ?"event 2 "`}, 2},
		{map[string]any{"startTime": 1003, "endTime": 1006}, 4},
		{map[string]any{"filterPattern": "nothing-matches"}, 0},
	}
	for _, tt := range tests {
		if p := filter(tt.in); len(p.Events) != tt.want {
			t.Errorf("FilterLogEvents %v: %d events, want %d", tt.in, len(p.Events), tt.want)
		}
	}
	p := filter(map[string]any{})
	if len(p.SearchedLogStreams) != 2 || !p.SearchedLogStreams[0].SearchedCompletely {
		t.Errorf("searchedLogStreams = %+v", p.SearchedLogStreams)
	}
	for _, bad := range []map[string]any{
		{"logGroupName": group, "filterPattern": `{ $.errorCode = "S3.NoSuchBucket" }`},
		{"logGroupName": group, "filterPattern": `[ip, user]`},
		{"logGroupName": group, "filterPattern": `"unclosed`},
		{"logGroupName": group, "logStreamNames": []string{stream}, "logStreamNamePrefix": "D"},
		{"logGroupName": group, "nextToken": "!!"},
	} {
		var p filterPage
		if e := f.call(t, "FilterLogEvents", bad, &p); !strings.HasPrefix(e, "InvalidParameterException") {
			t.Errorf("FilterLogEvents %v = %q", bad, e)
		}
	}
}

func TestDescribe(t *testing.T) {
	f := newFixture(t, 3)
	other := firehose.DeliveryError{DeliveryStreamARN: arn, ErrorCode: "X", LogGroupName: "/aws/kinesisfirehose/other", LogStreamName: "S"}
	f.log.Log(other)
	var groups struct {
		LogGroups []struct {
			LogGroupName  string `json:"logGroupName"`
			Arn           string `json:"arn"`
			LogGroupArn   string `json:"logGroupArn"`
			CreationTime  int64  `json:"creationTime"`
			StoredBytes   int64  `json:"storedBytes"`
			LogGroupClass string `json:"logGroupClass"`
		} `json:"logGroups"`
		NextToken string `json:"nextToken"`
	}
	if e := f.call(t, "DescribeLogGroups", map[string]any{"limit": 1}, &groups); e != "" {
		t.Fatal(e)
	}
	g := groups.LogGroups
	if len(g) != 1 || g[0].LogGroupName != "/aws/kinesisfirehose/orders" || groups.NextToken == "" ||
		g[0].Arn != "arn:aws:logs:us-east-1:123456789012:log-group:/aws/kinesisfirehose/orders:*" || g[0].CreationTime == 0 || g[0].StoredBytes == 0 || g[0].LogGroupClass != "STANDARD" {
		t.Fatalf("first page = %+v", groups)
	}
	tok := groups.NextToken
	groups.NextToken = ""
	if e := f.call(t, "DescribeLogGroups", map[string]any{"limit": 1, "nextToken": tok}, &groups); e != "" || len(groups.LogGroups) != 1 ||
		groups.LogGroups[0].LogGroupName != "/aws/kinesisfirehose/other" || groups.NextToken != "" {
		t.Fatalf("second page = %+v, %s", groups, e)
	}
	for in, want := range map[string]int{
		`{"logGroupNamePrefix":"/aws/kinesisfirehose/o"}`:                                                       2,
		`{"logGroupNamePrefix":"/aws/kinesisfirehose/ot"}`:                                                      1,
		`{"logGroupNamePattern":"ORDERS"}`:                                                                      1,
		`{"logGroupIdentifiers":["/aws/kinesisfirehose/other"]}`:                                                1,
		`{"logGroupClass":"INFREQUENT_ACCESS"}`:                                                                 0,
		`{"accountIdentifiers":["999999999999"],"includeLinkedAccounts":true}`:                                  0,
		`{"logGroupIdentifiers":["arn:aws:logs:us-east-1:123456789012:log-group:/aws/kinesisfirehose/orders"]}`: 1,
	} {
		var m map[string]any
		json.Unmarshal([]byte(in), &m)
		if e := f.call(t, "DescribeLogGroups", m, &groups); e != "" || len(groups.LogGroups) != want {
			t.Errorf("DescribeLogGroups %s: %d groups, want %d (%s)", in, len(groups.LogGroups), want, e)
		}
	}
	var streams struct {
		LogStreams []struct {
			LogStreamName       string `json:"logStreamName"`
			FirstEventTimestamp int64  `json:"firstEventTimestamp"`
			LastEventTimestamp  int64  `json:"lastEventTimestamp"`
			LastIngestionTime   int64  `json:"lastIngestionTime"`
			Arn                 string `json:"arn"`
		} `json:"logStreams"`
	}
	if e := f.call(t, "DescribeLogStreams", map[string]any{"logGroupName": group}, &streams); e != "" {
		t.Fatal(e)
	}
	s := streams.LogStreams
	if len(s) != 2 || s[0].LogStreamName != "BackupDelivery" || s[1].LogStreamName != stream || s[1].FirstEventTimestamp != 1000 ||
		s[1].LastEventTimestamp != 1002 || s[1].LastIngestionTime == 0 || s[1].Arn != "arn:aws:logs:us-east-1:123456789012:log-group:"+group+":log-stream:"+stream {
		t.Fatalf("streams = %+v", s)
	}
	if e := f.call(t, "DescribeLogStreams", map[string]any{"logGroupName": group, "orderBy": "LastEventTime", "descending": true}, &streams); e != "" ||
		streams.LogStreams[0].LogStreamName != stream {
		t.Fatalf("by last event time: %+v %s", streams, e)
	}
	if e := f.call(t, "DescribeLogStreams", map[string]any{"logGroupName": group, "orderBy": "LastEventTime", "logStreamNamePrefix": "D"}, &streams); !strings.HasPrefix(e, "InvalidParameterException") {
		t.Errorf("LastEventTime with a prefix: %q", e)
	}
	if e := f.call(t, "DescribeLogStreams", map[string]any{"logGroupName": "/aws/none"}, &streams); !strings.HasPrefix(e, "ResourceNotFoundException") {
		t.Errorf("missing group: %q", e)
	}
}
