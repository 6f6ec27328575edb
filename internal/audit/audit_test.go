package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTest(t *testing.T, max int64) (*Log, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "logs", "audit.jsonl")
	l, err := Open(Options{Path: path, MaxFileBytes: max, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

func call(i int) Call {
	return Call{Time: time.Unix(1_800_000_000+int64(i), 0), Service: "kinesis", Operation: "CreateStream", AccountID: "111122223333",
		AccessKeyID: "AKID", Region: "eu-west-1", SourceIP: "127.0.0.1", UserAgent: "test", RequestID: fmt.Sprintf("req-%05d", i),
		Params: map[string]any{"StreamName": "s", "ShardCount": json.Number("2")}}
}

func readLines(t *testing.T, path string) []Event {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	for _, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		e, ok := parseEvent(line)
		if !ok {
			t.Fatalf("a line that is not an event: %q", line)
		}
		out = append(out, e)
	}
	return out
}

// TestConcurrentAppends: events from many goroutines land as whole lines,
// in a 0600 file under a 0700 directory.
func TestConcurrentAppends(t *testing.T) {
	l, path := openTest(t, 0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				l.Record(call(g*1000 + i))
			}
		})
	}
	wg.Wait()
	if events := readLines(t, path); len(events) != 1600 || l.Written() != 1600 || l.Failed() != 0 {
		t.Fatalf("%d lines, %d written, %d failed", len(events), l.Written(), l.Failed())
	}
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Fatalf("modes %v %v", fi.Mode(), di.Mode())
	}
}

// TestEventFields: the record's CloudTrail fields, for a call and for a
// refused one.
func TestEventFields(t *testing.T) {
	e := event(call(1), "us-east-1")
	if e.EventVersion != EventVersion || e.EventTime != "2027-01-15T08:00:01Z" || e.EventSource != "kinesis.amazonaws.com" ||
		e.AWSRegion != "eu-west-1" || e.UserIdentity.Type != "Root" || e.UserIdentity.ARN != "arn:aws:iam::111122223333:root" ||
		e.RecipientAccountID != "111122223333" || e.ReadOnly || !e.ManagementEvent || e.EventCategory != "Management" ||
		e.EventType != "AwsApiCall" || len(e.EventID) != 36 {
		t.Fatalf("%+v", e)
	}
	refused := event(Call{Service: "kinesisvideo", Operation: "PutMedia", AccessKeyID: "AKIDX", ErrorCode: "UnrecognizedClientException"}, "us-east-1")
	if refused.UserIdentity != (Identity{Type: "Unknown", AccessKeyID: "AKIDX"}) || refused.AWSRegion != "us-east-1" || refused.ManagementEvent ||
		refused.EventCategory != "Data" || refused.RecipientAccountID != "" {
		t.Fatalf("%+v", refused)
	}
	if !readOnly("DescribeStreamSummary") || !readOnly("ListShards") || readOnly("DeleteStream") {
		t.Fatal("readOnly")
	}
}

// TestRequestParameters: only safe top-level scalars (and lists of them)
// are kept.
func TestRequestParameters(t *testing.T) {
	long := strings.Repeat("é", 1000)
	got := requestParameters(map[string]any{
		"StreamName":   "orders",
		"ShardCount":   json.Number("3"),
		"Enforce":      true,
		"TagKeys":      []any{"a", "b"},
		"Mixed":        []any{"a", map[string]any{"x": 1}},
		"Data":         []byte("record"),
		"Tags":         map[string]any{"k": "v"},
		"HECToken":     "secret",
		"Password":     "secret",
		"AccessKey":    "secret",
		"SecretKey":    "secret",
		"Code":         long,
		"Weight":       1.5,
		"EndpointConf": map[string]any{"AccessKey": "secret"},
	})
	want := map[string]any{"StreamName": "orders", "ShardCount": json.Number("3"), "Enforce": true, "TagKeys": []any{"a", "b"},
		"Code": long[:1024], "Weight": 1.5}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	if requestParameters(nil) != nil || requestParameters(map[string]any{"Data": []byte("x")}) != nil {
		t.Fatal("no parameters should be null")
	}
}

// TestRotation: past MaxFileBytes the file becomes .1 and a new one
// starts; tail reads both, oldest first.
func TestRotation(t *testing.T) {
	l, path := openTest(t, 8<<10)
	for i := range 100 {
		l.Record(call(i))
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > 8<<10 {
		t.Fatalf("the file is %d bytes: %v", fi.Size(), err)
	}
	if _, err := os.Stat(path + ".1"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"tail", "--file", path, "--format", "json"}, func(string) string { return "" }, &out, &out); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 10 || len(lines) >= 100 {
		t.Fatalf("%d events in the two files", len(lines))
	}
	var prev string
	for _, line := range lines {
		e, _ := parseEvent([]byte(line))
		if e.RequestID <= prev {
			t.Fatalf("out of order: %s after %s", e.RequestID, prev)
		}
		prev = e.RequestID
	}
	if prev != "req-00099" {
		t.Fatalf("the last event is %s", prev)
	}
}

// TestWriteFailure: a failed write is counted, not returned, and the file
// is reopened for the next event; a torn last line is ended first.
func TestWriteFailure(t *testing.T) {
	l, path := openTest(t, 0)
	l.Record(call(1))
	l.mu.Lock()
	l.f.Close() // the next write fails
	l.mu.Unlock()
	l.Record(call(2))
	if l.Failed() != 1 || l.Written() != 1 {
		t.Fatalf("%d failed, %d written", l.Failed(), l.Written())
	}
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"eventVersion":"1.11","eventTi`) // a torn line, as after a crash
	f.Close()
	l.mu.Lock()
	l.f.Close()
	l.f = nil
	l.mu.Unlock()
	l.Record(call(3))
	var out bytes.Buffer
	Main(context.Background(), []string{"tail", "--file", path}, func(string) string { return "" }, &out, &out)
	if got := strings.Count(out.String(), "\n"); got != 2 || l.Written() != 2 {
		t.Fatalf("%d events read, %d written:\n%s", got, l.Written(), out.String())
	}
}

// TestTailFollow: --follow prints events as they are appended, across a
// rotation, filtered by --event and --errors-only.
func TestTailFollow(t *testing.T) {
	l, path := openTest(t, 4<<10)
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var out bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) })
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"tail", "--follow", "--poll", "10ms", "--errors-only", "--event", "DeleteStream"},
			func(k string) string { return map[string]string{"SLUICE_AUDIT_LOG": path}[k] }, w, w)
	}()
	for i := range 60 {
		c := call(i)
		if i%3 == 0 {
			c.Operation, c.ErrorCode, c.ErrorMessage = "DeleteStream", "ResourceInUseException", "busy"
		}
		l.Record(c)
		time.Sleep(2 * time.Millisecond)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := strings.Count(out.String(), "\n")
		mu.Unlock()
		if n >= 20 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if _, err := os.Stat(path + ".1"); err != nil {
		t.Fatal("no rotation happened")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	for _, line := range lines {
		if !strings.Contains(line, " kinesis DeleteStream AKID@111122223333 127.0.0.1 ResourceInUseException: busy") {
			t.Fatalf("line %q", line)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestTailUsage: mistakes in the command line exit 2.
func TestTailUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"head"}, {"tail"}, {"tail", "--file", "x", "--format", "xml"}, {"tail", "--file", "x", "extra"}} {
		var out bytes.Buffer
		if code := Main(context.Background(), args, func(string) string { return "" }, &out, &out); code != 2 {
			t.Errorf("%q: exit %d", args, code)
		}
	}
}
