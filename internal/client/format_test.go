package client

import (
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestEscapeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"tab\tstays", "tab\tstays"},
		{"new\nline\r", `new\nline\r`},
		{"\x00\x1b[31m\x7f", `\x00\x1b[31m\x7f`},
		{"bad \xff\xfe utf-8", `bad \xff\xfe utf-8`},
		{"é ✓ 日本", "é ✓ 日本"},
		{"zero\u200bwidth \u2028", `zero\u200bwidth \u2028`},
		{"\U000e0001", `\U000e0001`},
		{`back\slash`, `back\slash`},
	} {
		if got := string(escapeText(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("escapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJSONData(t *testing.T) {
	for _, tc := range []struct{ in, enc, want string }{
		{`{"a": [1, 2]}`, encJSON, `{"a":[1,2]}`},
		{` "s" `, encJSON, `"s"`},
		{"12.5", encJSON, "12.5"},
		{"null", encJSON, "null"},
		{"", encText, `""`},
		{"{not json", encText, `"{not json"`},
		{"a\x01b", encText, `"a\u0001b"`},
		{"\xff", encBase64, `"/w=="`},
		{"{\"a\":\"\xff\"}", encBase64, `"eyJhIjoi/yJ9"`},
	} {
		r := &types.Record{Data: []byte(tc.in), SequenceNumber: aws.String("1"), PartitionKey: aws.String("k"),
			ApproximateArrivalTimestamp: aws.Time(time.Date(2025, 1, 2, 3, 4, 5, 678e6, time.FixedZone("x", 3600)))}
		got := string(appendJSON(nil, "shardId-000000000000", r))
		want := `{"shard":"shardId-000000000000","seq":"1","key":"k","arrival":"2025-01-02T02:04:05.678Z","encoding":"` + tc.enc + `","data":` + tc.want + "}\n"
		if got != want {
			t.Errorf("json of %q:\n got %s\nwant %s", tc.in, got, want)
		}
	}
}

func TestHex(t *testing.T) {
	r := &types.Record{Data: []byte("Hi\x00\xff~"), SequenceNumber: aws.String("42"), PartitionKey: aws.String("a b")}
	want := `shardId-000000000001 42 "a b" 5: 48 69 00 ff 7e |Hi..~|` + "\n"
	if got := string(appendHex(nil, "shardId-000000000001", r)); got != want {
		t.Errorf("hex: %q, want %q", got, want)
	}
}

func TestParseFrom(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		typ  types.ShardIteratorType
		at   time.Time
		fail bool
	}{
		{"latest", types.ShardIteratorTypeLatest, time.Time{}, false},
		{"TRIM_HORIZON", types.ShardIteratorTypeTrimHorizon, time.Time{}, false},
		{"trim-horizon", types.ShardIteratorTypeTrimHorizon, time.Time{}, false},
		{"2025-01-02T03:04:05Z", types.ShardIteratorTypeAtTimestamp, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), false},
		{"2025-01-02T03:04:05.5+01:00", types.ShardIteratorTypeAtTimestamp, time.Date(2025, 1, 2, 2, 4, 5, 5e8, time.UTC), false},
		{"90s", types.ShardIteratorTypeAtTimestamp, now.Add(-90 * time.Second), false},
		{"-5m", "", time.Time{}, true},
		{"2025-01-02", "", time.Time{}, true},
		{"", "", time.Time{}, true},
	} {
		typ, at, err := parseFrom(tc.in, now)
		if (err != nil) != tc.fail || typ != tc.typ || !at.Equal(tc.at) {
			t.Errorf("parseFrom(%q) = %s %s %v", tc.in, typ, at, err)
		}
	}
}

func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		data, want, err string
	}{
		{`{"u":"alice"}`, "alice", ""},
		{`{"u":7.5}`, "7.5", ""},
		{`{"u":true}`, "true", ""},
		{`{"u":"\u00e9"}`, "é", ""},
		{`{"u":null}`, "", "not a string"},
		{`{"u":{"a":1}}`, "", "not a string"},
		{`{"v":1}`, "", `no field "u"`},
		{`[1]`, "", "not a JSON object"},
		{`{"u":"` + strings.Repeat("x", 257) + `"}`, "", "1 to 256"},
		{`{"u":"` + strings.Repeat("😀", 128) + `"}`, strings.Repeat("😀", 128), ""},
		{`{"u":"` + strings.Repeat("😀", 129) + `"}`, "", "1 to 256"},
	} {
		got, err := fieldKey([]byte(tc.data), "u")
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("fieldKey(%s) = %q, %v; want %q, %q", tc.data, got, err, tc.want, tc.err)
		}
	}
	for s, ok := range map[string]bool{"0": true, "340282366920938463463374607431768211455": true,
		"340282366920938463463374607431768211456": false, "01": false, "-1": false, "+1": false, "": false, "1e3": false} {
		if validHashKey(s) != ok {
			t.Errorf("validHashKey(%q) = %v", s, !ok)
		}
	}
}

func TestParseArgs(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	k := fs.String("k", "", "")
	v := fs.Bool("v", false, "")
	pos, err := parseArgs(fs, []string{"a", "-k", "K", "b", "-v", "--", "-c", "-k"})
	if err != nil || *k != "K" || !*v || !slices.Equal(pos, []string{"a", "b", "-c", "-k"}) {
		t.Errorf("parseArgs: %q %q %v %v", pos, *k, *v, err)
	}
}

func TestBackoff(t *testing.T) {
	b := backoff{base: 100 * time.Millisecond, max: time.Second, attempts: 3}
	for streak, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		if streak == 5 {
			streak = 70 // no overflow
		}
		for range 20 {
			if d := b.delay(streak); d < want/2 || d > want {
				t.Fatalf("delay(%d) = %s, want %s to %s", streak, d, want/2, want)
			}
		}
	}
}

func TestProgress(t *testing.T) {
	var w syncBuffer
	p := startProgress(&w, progressMode{tty: true, delay: time.Millisecond, every: time.Millisecond}, func() string { return "status" })
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(w.String(), "\rstatus\x1b[K") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.Logf("a message")
	p.Stop()
	out := w.String()
	if !strings.Contains(out, "\r\x1b[Ka message\n") || !strings.HasSuffix(out, "\r\x1b[K") && !strings.HasSuffix(out, "a message\n") {
		t.Errorf("tty progress wrote %q", out)
	}

	var lw syncBuffer
	p = startProgress(&lw, progressMode{delay: time.Millisecond, every: time.Millisecond}, func() string { return "status" })
	for !strings.Contains(lw.String(), "status\nstatus\n") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.Stop()
	if strings.ContainsAny(lw.String(), "\r\x1b") {
		t.Errorf("line progress wrote %q", lw.String())
	}
	startProgress(&lw, progressMode{off: true}, nil).Stop()
}
