package client

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/testserver"
)

// putRaw writes records with the SDK, key i%len(keys).
func (e *env) putRaw(stream string, keys []string, data ...string) {
	e.t.Helper()
	var entries []types.PutRecordsRequestEntry
	for i, d := range data {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(keys[i%len(keys)]), Data: []byte(d)})
	}
	out, err := e.api.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil || *out.FailedRecordCount != 0 {
		e.t.Fatalf("PutRecords: %v", err)
	}
}

// TestTailFormats reads a stream to its end in each format and compares
// with what the SDK reads.
func TestTailFormats(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 2)
	data := []string{
		"hello world",
		"a\nb\x01c\td\r",
		`{"a": 1, "b": [1, 2], "h": "<&>"}`,
		"\xff\x00\x01",
		"héllo ✓ \u200b",
		"<b>&</b> \\n",
		"42",
	}
	e.putRaw("s", []string{"k1", "k2", "key \"3\""}, data...)
	recs := e.readStream("s")
	if len(recs) != len(data) {
		t.Fatalf("stored %d records", len(recs))
	}
	byData := map[string]stored{}
	for _, r := range recs {
		byData[r.data] = r
	}
	at := func(d string) stored { return byData[d] }

	text := []string{
		"hello world",
		`a\nb\x01c` + "\td" + `\r`,
		`{"a": 1, "b": [1, 2], "h": "<&>"}`,
		`\xff\x00\x01`,
		`héllo ✓ \u200b`,
		`<b>&</b> \n`,
		"42",
	}
	jsonData := []string{
		`"encoding":"text","data":"hello world"`,
		`"encoding":"text","data":"a\nb\u0001c\td\r"`,
		`"encoding":"json","data":{"a":1,"b":[1,2],"h":"<&>"}`,
		`"encoding":"base64","data":"/wAB"`,
		`"encoding":"text","data":"héllo ✓ ` + "\u200b" + `"`,
		`"encoding":"text","data":"<b>&</b> \\n"`,
		`"encoding":"json","data":42`,
	}
	hexData := []string{
		`11: 68 65 6c 6c 6f 20 77 6f 72 6c 64 |hello world|`,
		`8: 61 0a 62 01 63 09 64 0d |a.b.c.d.|`,
	}
	var wantText, wantJSON, wantHex []string
	for i, d := range data {
		r := at(d)
		wantText = append(wantText, text[i])
		wantJSON = append(wantJSON, fmt.Sprintf(`{"shard":%q,"seq":%q,"key":%q,"arrival":%q,%s}`,
			r.shard, r.seq, r.key, r.arrival.UTC().Format("2006-01-02T15:04:05.000Z"), jsonData[i]))
		if i < len(hexData) {
			wantHex = append(wantHex, fmt.Sprintf("%s %s %s %s", r.shard, r.seq, strconv.Quote(r.key), hexData[i]))
		}
	}
	for _, tc := range []struct {
		format string
		want   []string
	}{{"text", wantText}, {"json", wantJSON}, {"hex", wantHex}} {
		res := run(t, Tail, e.args("s", "--from", "trim-horizon", "--no-follow", "--format", tc.format), "")
		if res.code != 0 {
			t.Fatalf("tail --format %s: %d\n%s", tc.format, res.code, res.stderr)
		}
		got := lines(res.stdout)
		if tc.format == "hex" {
			got = slices.DeleteFunc(got, func(l string) bool {
				return !strings.Contains(l, "|hello world|") && !strings.Contains(l, "|a.b.c.d.|")
			})
		}
		if tc.format == "json" {
			for _, l := range got {
				var v map[string]any
				if err := json.Unmarshal([]byte(l), &v); err != nil {
					t.Errorf("json line %s: %v", l, err)
				}
			}
		}
		sort.Strings(got)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("--format %s:\ngot\n  %s\nwant\n  %s", tc.format, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

func TestTailCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 1)
	var data []string
	for i := range 20 {
		data = append(data, strconv.Itoa(i))
	}
	e.putRaw("s", []string{"k"}, data...)
	res := run(t, Tail, e.args("s", "--from", "trim-horizon", "-n", "5"), "")
	if res.code != 0 || res.stdout != "0\n1\n2\n3\n4\n" {
		t.Fatalf("tail -n 5: %d %q\n%s", res.code, res.stdout, res.stderr)
	}
}

// TestTailLatest follows a stream from latest until -n records came: they
// are consecutive records written after the start, none from before.
func TestTailLatest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 1)
	e.putRaw("s", []string{"k"}, "old")
	p, err := parseTail(e.args("s", "-n", "3"), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p.idle = 20 * time.Millisecond
	var out, errOut syncBuffer
	done := make(chan int)
	go func() { done <- p.run(context.Background(), &out, &errOut) }()
	for i := 0; ; i++ {
		select {
		case code := <-done:
			got := lines(out.String())
			if code != 0 || len(got) != 3 {
				t.Fatalf("tail: %d %q\n%s", code, out.String(), errOut.String())
			}
			first, _ := strconv.Atoi(got[0])
			if want := []string{got[0], strconv.Itoa(first + 1), strconv.Itoa(first + 2)}; !slices.Equal(got, want) {
				t.Fatalf("tail printed %q, want 3 consecutive records", got)
			}
			return
		case <-time.After(10 * time.Millisecond):
			if i > 1000 {
				t.Fatal("tail did not stop")
			}
			e.putRaw("s", []string{"k"}, strconv.Itoa(i))
		}
	}
}

// TestTailFromTimestamp reads from a time between two batches.
func TestTailFromTimestamp(t *testing.T) {
	t.Parallel()
	clock := testserver.NewClock()
	e := newEnv(t, testserver.WithClock(clock.Now))
	e.createStream("s", 2)
	e.putRaw("s", []string{"a", "b", "c"}, "before1", "before2", "before3")
	clock.Advance(time.Minute)
	from := clock.Now()
	clock.Advance(time.Second)
	e.putRaw("s", []string{"a", "b", "c"}, "after1", "after2", "after3")
	res := run(t, Tail, e.args("s", "--from", from.Format(time.RFC3339Nano), "--no-follow"), "")
	got := lines(res.stdout)
	sort.Strings(got)
	if res.code != 0 || !slices.Equal(got, []string{"after1", "after2", "after3"}) {
		t.Fatalf("tail --from %s: %d %q\n%s", from.Format(time.RFC3339Nano), res.code, got, res.stderr)
	}
}

func TestTailShardAndARN(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 2)
	var data []string
	for i := range 40 {
		data = append(data, strconv.Itoa(i))
	}
	e.putRaw("s", []string{"a", "b", "c", "d", "e"}, data...)
	var want []string
	for _, r := range e.readStream("s") {
		if r.shard == "shardId-000000000001" {
			want = append(want, r.data)
		}
	}
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/s"
	res := run(t, Tail, []string{"--endpoint", e.srv.URL, "--stream-arn", arn, "--shard", "shardId-000000000001", "--from", "trim-horizon", "--no-follow"}, "")
	if res.code != 0 || !slices.Equal(lines(res.stdout), want) || len(want) == 0 {
		t.Fatalf("tail --shard: %d %q, want %q\n%s", res.code, res.stdout, want, res.stderr)
	}
}

func TestTailErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 1)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{e.args("missing", "--no-follow"), 1, "ResourceNotFoundException: Stream missing under account 000000000000 not found."},
		{e.args("s", "--shard", "shardId-000000000009"), 1, "stream s has no shard shardId-000000000009"},
		{e.args("s", "--format", "xml"), 2, "--format must be text, json or hex"},
		{e.args("s", "--from", "yesterday"), 2, `--from "yesterday" is not latest`},
		{e.args("s", "--from", time.Now().Add(time.Hour).Format(time.RFC3339)), 1, "InvalidArgumentException"},
		{e.args("s", "extra"), 2, `unexpected argument "extra"`},
		{[]string{"--help"}, 0, "usage: sluice tail"},
	} {
		res := run(t, Tail, tc.args, "")
		if res.code != tc.code || !strings.Contains(res.stderr, tc.msg) {
			t.Errorf("tail %q: %d %q, want %d and %q", tc.args, res.code, res.stderr, tc.code, tc.msg)
		}
	}
}

// TestTailInterrupt: cancelling the context (Ctrl-C) ends a following
// tail cleanly, with what it read printed.
func TestTailInterrupt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 3)
	e.putRaw("s", []string{"k"}, "x")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() { done <- Tail(ctx, e.args("s", "--from", "trim-horizon"), nil, &out, &errOut) }()
	deadline := time.Now().Add(5 * time.Second)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || out.String() != "x\n" || errOut.String() != "" {
			t.Fatalf("tail: %d %q %q", code, out.String(), errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("tail did not stop")
	}
}
