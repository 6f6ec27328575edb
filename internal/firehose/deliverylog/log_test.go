package deliverylog

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sluice/internal/firehose"
)

const (
	testARN    = "arn:aws:firehose:us-east-1:123456789012:deliverystream/orders"
	otherARN   = "arn:aws:firehose:us-east-1:123456789012:deliverystream/other"
	testGroup  = "/aws/kinesisfirehose/orders"
	testStream = "DestinationDelivery"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock { return &clock{t: time.UnixMilli(1_700_000_000_000).UTC()} }

func deliveryError(i int) firehose.DeliveryError {
	return firehose.DeliveryError{
		DeliveryStreamARN:       testARN,
		Destination:             "arn:aws:s3:::bucket",
		DeliveryStreamVersionID: 1,
		Message:                 fmt.Sprintf("The specified bucket does not exist. (%d)", i),
		ErrorCode:               "S3.NoSuchBucket",
		LogGroupName:            testGroup,
		LogStreamName:           testStream,
	}
}

func TestRecentNewestFirstAndBounded(t *testing.T) {
	c := newClock()
	l := New(Options{Recent: 3, Now: c.now})
	for i := range 5 {
		c.advance(time.Second)
		l.Log(deliveryError(i))
	}
	o := deliveryError(99)
	o.DeliveryStreamARN = otherARN
	l.Log(o)
	tests := []struct {
		arn  string
		n    int
		want []string
	}{
		{testARN, 0, []string{"(4)", "(3)", "(2)"}},
		{testARN, 2, []string{"(4)", "(3)"}},
		{testARN, 10, []string{"(4)", "(3)", "(2)"}},
		{otherARN, 0, []string{"(99)"}},
		{"arn:aws:firehose:us-east-1:123456789012:deliverystream/none", 0, nil},
	}
	for _, tt := range tests {
		got := l.Recent(tt.arn, tt.n)
		if len(got) != len(tt.want) {
			t.Fatalf("Recent(%s, %d) = %d errors, want %d", tt.arn, tt.n, len(got), len(tt.want))
		}
		for i, e := range got {
			if !strings.HasSuffix(e.Message, tt.want[i]) {
				t.Errorf("Recent(%s, %d)[%d] = %q, want …%s", tt.arn, tt.n, i, e.Message, tt.want[i])
			}
		}
	}
	// Time is filled in when the deliverer leaves it zero.
	if got := l.Recent(testARN, 1)[0].Time; !got.Equal(c.t) {
		t.Errorf("Time = %v", got)
	}
}

func TestRingWhileFilling(t *testing.T) {
	r := &ring{max: 4}
	for i := range 6 {
		r.add(firehose.DeliveryError{Message: fmt.Sprint(i)})
		got := r.newest(0)
		if len(got) != min(i+1, 4) || got[0].Message != fmt.Sprint(i) {
			t.Fatalf("after %d adds newest = %+v", i+1, got)
		}
		for j := 1; j < len(got); j++ {
			if got[j].Message != fmt.Sprint(i-j) {
				t.Fatalf("after %d adds newest[%d] = %s", i+1, j, got[j].Message)
			}
		}
	}
}

func TestLogWritesCloudWatchEvents(t *testing.T) {
	c := newClock()
	dir := filepath.Join(t.TempDir(), "logs")
	l := New(Options{Dir: dir, Now: c.now})
	e := deliveryError(1)
	e.Time = c.t.Add(-time.Second)
	l.Log(e)
	c.advance(time.Second)
	l.Log(deliveryError(2))
	// Without a log group or stream: memory only.
	off := deliveryError(3)
	off.LogGroupName, off.LogStreamName = "", ""
	l.Log(off)

	path := filepath.Join(dir, "123456789012", "us-east-1", "%2Faws%2Fkinesisfirehose%2Forders", "DestinationDelivery.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines:\n%s", len(lines), b)
	}
	var ev struct {
		Timestamp     int64  `json:"timestamp"`
		IngestionTime int64  `json:"ingestionTime"`
		Message       string `json:"message"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Timestamp != e.Time.UnixMilli() || ev.IngestionTime != c.t.Add(-time.Second).UnixMilli() {
		t.Errorf("event times = %d, %d", ev.Timestamp, ev.IngestionTime)
	}
	var msg map[string]any
	if err := json.Unmarshal([]byte(ev.Message), &msg); err != nil {
		t.Fatalf("message %q: %v", ev.Message, err)
	}
	want := map[string]any{
		"deliveryStreamARN": testARN, "destination": "arn:aws:s3:::bucket", "deliveryStreamVersionId": 1.0,
		"message": "The specified bucket does not exist. (1)", "errorCode": "S3.NoSuchBucket",
	}
	if fmt.Sprint(msg) != fmt.Sprint(want) {
		t.Errorf("message = %v\nwant %v", msg, want)
	}
	for p, mode := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700, filepath.Join(dir, "123456789012"): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), mode)
		}
	}
	events, err := l.Events("123456789012", "us-east-1", testGroup, testStream)
	if err != nil || len(events) != 2 || !strings.Contains(events[1].Message, "(2)") {
		t.Fatalf("Events = %+v, %v", events, err)
	}
	if len(l.Recent(testARN, 0)) != 3 {
		t.Errorf("Recent kept %d errors, want 3", len(l.Recent(testARN, 0)))
	}
}

func TestReadersScopeAndErrors(t *testing.T) {
	dir := t.TempDir()
	l := New(Options{Dir: dir})
	l.Log(deliveryError(1))
	tests := []struct {
		account, region, group, stream string
		err                            error
	}{
		{"123456789012", "us-east-1", testGroup, testStream, nil},
		{"999999999999", "us-east-1", testGroup, testStream, ErrNoGroup},
		{"123456789012", "eu-west-1", testGroup, testStream, ErrNoGroup},
		{"123456789012", "us-east-1", "/aws/kinesisfirehose/other", testStream, ErrNoGroup},
		{"123456789012", "us-east-1", testGroup, "BackupDelivery", ErrNoStream},
		{"123456789012", "us-east-1", "", testStream, ErrNoGroup},
		{"123456789012", "us-east-1", "..", testStream, ErrNoGroup},
	}
	for _, tt := range tests {
		_, err := l.Events(tt.account, tt.region, tt.group, tt.stream)
		if err != tt.err {
			t.Errorf("Events(%s, %s, %q, %q) err = %v, want %v", tt.account, tt.region, tt.group, tt.stream, err, tt.err)
		}
	}
	if _, err := New(Options{}).Events("123456789012", "us-east-1", testGroup, testStream); err != ErrNoGroup {
		t.Errorf("memory-only Events err = %v", err)
	}
}

func TestRotationBoundsTheFiles(t *testing.T) {
	c := newClock()
	dir := t.TempDir()
	const max = 4 << 10
	l := New(Options{Dir: dir, MaxFileBytes: max, Now: c.now})
	const n = 200
	for i := range n {
		c.advance(time.Millisecond)
		l.Log(deliveryError(i))
	}
	gdir := filepath.Join(dir, "123456789012", "us-east-1", escape(testGroup))
	var total int64
	for _, name := range []string{"DestinationDelivery.jsonl", "DestinationDelivery.jsonl.1"} {
		fi, err := os.Stat(filepath.Join(gdir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > max {
			t.Errorf("%s is %d bytes, over %d", name, fi.Size(), max)
		}
		total += fi.Size()
	}
	events, err := l.Events("123456789012", "us-east-1", testGroup, testStream)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 || len(events) >= n {
		t.Fatalf("%d events kept of %d", len(events), n)
	}
	// The newest are kept, in order, with no gap.
	for i, e := range events {
		want := fmt.Sprintf("(%d)", n-len(events)+i)
		if !strings.Contains(e.Message, want) {
			t.Fatalf("event %d = %s, want %s", i, e.Message, want)
		}
		if i > 0 && e.IngestionTime < events[i-1].IngestionTime {
			t.Fatalf("ingestion time goes back at %d", i)
		}
	}
	streams, err := l.Streams("123456789012", "us-east-1", testGroup)
	if err != nil || len(streams) != 1 {
		t.Fatalf("Streams = %+v, %v", streams, err)
	}
	s := streams[0]
	if s.Name != testStream || s.StoredBytes != total || s.FirstEvent != events[0].Timestamp || s.LastEvent != events[len(events)-1].Timestamp ||
		s.LastIngestion != events[len(events)-1].IngestionTime || s.Created != events[0].IngestionTime {
		t.Errorf("stream = %+v (total %d, first %+v, last %+v)", s, total, events[0], events[len(events)-1])
	}
}

func TestIngestionTimeNeverGoesBack(t *testing.T) {
	c := newClock()
	dir := t.TempDir()
	l := New(Options{Dir: dir, Now: c.now})
	l.Log(deliveryError(1))
	c.advance(-time.Hour)
	l.Log(deliveryError(2))
	// A new Log (a restart) learns the last ingestion time from the file.
	l2 := New(Options{Dir: dir, Now: c.now})
	l2.Log(deliveryError(3))
	events, err := l2.Events("123456789012", "us-east-1", testGroup, testStream)
	if err != nil || len(events) != 3 {
		t.Fatalf("Events = %+v, %v", events, err)
	}
	want := c.t.Add(time.Hour).UnixMilli()
	for i, e := range events {
		if e.IngestionTime != want {
			t.Errorf("event %d ingestionTime = %d, want %d", i, e.IngestionTime, want)
		}
	}
}

func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	l := New(Options{Dir: dir})
	l.Log(deliveryError(1))
	path := filepath.Join(dir, "123456789012", "us-east-1", escape(testGroup), "DestinationDelivery.jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"timestamp":1,"ingestionTime":1,"mess`) // a crash mid-line
	f.Close()
	l2 := New(Options{Dir: dir})
	if events, _ := l2.Events("123456789012", "us-east-1", testGroup, testStream); len(events) != 1 {
		t.Fatalf("torn line read: %+v", events)
	}
	l2.Log(deliveryError(2))
	events, err := l2.Events("123456789012", "us-east-1", testGroup, testStream)
	if err != nil || len(events) != 2 || !strings.Contains(events[1].Message, "(2)") {
		t.Fatalf("after the torn line: %+v, %v", events, err)
	}
}

func TestLongNamesAreHashedAndListed(t *testing.T) {
	dir := t.TempDir()
	l := New(Options{Dir: dir})
	group := "/aws/" + strings.Repeat("g#", 250)
	stream := strings.Repeat("s/", 256)
	e := deliveryError(1)
	e.LogGroupName, e.LogStreamName = group, stream
	l.Log(e)
	l.Log(deliveryError(2))
	groups, err := l.Groups("123456789012", "us-east-1")
	if err != nil || len(groups) != 2 || groups[0].Name != group || groups[1].Name != testGroup {
		t.Fatalf("Groups = %+v, %v", groups, err)
	}
	if groups[1].StoredBytes == 0 || groups[1].Created == 0 {
		t.Errorf("group = %+v", groups[1])
	}
	streams, err := l.Streams("123456789012", "us-east-1", group)
	if err != nil || len(streams) != 1 || streams[0].Name != stream {
		t.Fatalf("Streams = %+v, %v", streams, err)
	}
	events, err := l.Events("123456789012", "us-east-1", group, stream)
	if err != nil || len(events) != 1 {
		t.Fatalf("Events = %+v, %v", events, err)
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if len(d.Name()) > 255 {
			t.Errorf("path component of %d bytes: %s", len(d.Name()), d.Name())
		}
		return nil
	})
}

func TestLongMessagesAreCut(t *testing.T) {
	l := New(Options{})
	e := deliveryError(1)
	e.Message = strings.Repeat("é", MaxMessageBytes)
	l.Log(e)
	got := l.Recent(testARN, 1)[0].Message
	if len(got) > MaxMessageBytes || !strings.HasPrefix(e.Message, got) || len(got) < MaxMessageBytes-1 {
		t.Errorf("cut to %d bytes", len(got))
	}
}

func TestUnwritableDirKeepsRecent(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	l := New(Options{Dir: blocker}) // a file, not a directory: every write fails
	l.Log(deliveryError(1))
	l.Log(deliveryError(2))
	if len(l.Recent(testARN, 0)) != 2 {
		t.Fatalf("recent = %d", len(l.Recent(testARN, 0)))
	}
}

func TestBadARNStaysInMemory(t *testing.T) {
	dir := t.TempDir()
	l := New(Options{Dir: dir})
	e := deliveryError(1)
	e.DeliveryStreamARN = "not-an-arn"
	l.Log(e)
	if len(l.Recent("not-an-arn", 0)) != 1 {
		t.Fatal("not kept")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("wrote %v", entries)
	}
}
