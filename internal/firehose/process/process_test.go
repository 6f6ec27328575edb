package process

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sluice/internal/kpl"
)

func gz(t testing.TB, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, p := range parts { // one gzip member per part
		w := gzip.NewWriter(&b)
		if _, err := w.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// cwl is a CloudWatch Logs subscription message as CloudWatch Logs sends it.
func cwl(messageType string, messages ...string) string {
	events := make([]map[string]any, len(messages))
	for i, m := range messages {
		events[i] = map[string]any{"id": fmt.Sprintf("3195310660696698337880902507980421114328961542429822%04d", i), "timestamp": 1432826855000, "message": m}
	}
	b, _ := json.Marshal(map[string]any{"owner": "111111111111", "logGroup": "CloudTrail/logs",
		"logStream": "111111111111_CloudTrail/logs_us-east-1", "subscriptionFilters": []string{"Destination"},
		"messageType": messageType, "logEvents": events})
	return string(b)
}

func compile(t testing.TB, specs ...Spec) *Chain {
	t.Helper()
	c, err := Compile(specs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	decompression = Spec{Type: TypeDecompression, Params: map[string]string{ParamCompressionFormat: "GZIP"}}
	extraction    = Spec{Type: TypeCloudWatchLogProcessing, Params: map[string]string{ParamDataMessageExtraction: "true"}}
	deaggJSON     = Spec{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "JSON"}}
	appendNewline = Spec{Type: TypeAppendDelimiterToRecord}
)

func deaggDelimited(d string) Spec {
	return Spec{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "DELIMITED", ParamDelimiter: d}}
}

func metadata(query string) Spec {
	return Spec{Type: TypeMetadataExtraction, Params: map[string]string{ParamMetadataExtractionQuery: query, ParamJsonParsingEngine: JQ16}}
}

func datas(rs []Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Data)
	}
	return out
}

func TestDecompression(t *testing.T) {
	c := compile(t, decompression)
	good := gz(t, `{"a":1}`)
	tests := []struct {
		name     string
		data     []byte
		want     []string
		wantFail bool
	}{
		{"gzip", good, []string{`{"a":1}`}, false},
		{"two members", gz(t, "ab", "cd"), []string{"abcd"}, false},
		{"empty gzip", gz(t, ""), []string{""}, false},
		{"not gzip", []byte(`{"a":1}`), nil, true},
		{"truncated", good[:len(good)-4], nil, true},
		{"trailing garbage", append(append([]byte{}, good...), "xyz"...), nil, true},
		{"bad crc", func() []byte { b := append([]byte{}, good...); b[len(b)-6] ^= 1; return b }(), nil, true},
		{"empty", nil, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := Record{Data: tc.data, Arrival: 7, Seq: 3}
			out, failed := c.BeforeLambda([]Record{in})
			if tc.wantFail {
				if len(out) != 0 || len(failed) != 1 {
					t.Fatalf("out %q, failed %+v; want one failure", datas(out), failed)
				}
				f := failed[0]
				if f.Code != CodeDecompressionFailed || f.Output != OutputDecompressionFailed || !bytes.Equal(f.Record.RawData(), tc.data) ||
					f.Record.Seq != 3 || f.Record.Arrival != 7 || !strings.HasPrefix(f.Message, "The record could not be decompressed as GZIP") {
					t.Errorf("failure = %+v", f)
				}
				return
			}
			if len(failed) != 0 || !reflect.DeepEqual(datas(out), tc.want) {
				t.Fatalf("out %q, failed %+v; want %q", datas(out), failed, tc.want)
			}
			if !bytes.Equal(out[0].RawData(), tc.data) || out[0].Seq != 3 {
				t.Errorf("record = %+v; want Raw the compressed record", out[0])
			}
		})
	}
}

func TestCloudWatchLogProcessing(t *testing.T) {
	c := compile(t, extraction, decompression)
	trail := []string{`{"eventVersion":"1.03","userIdentity":{"type":"Root1"}`, `{"eventVersion":"1.03","userIdentity":{"type":"Root2"}`,
		`{"eventVersion":"1.03","userIdentity":{"type":"Root3"}`}
	tests := []struct {
		name     string
		doc      string
		want     []string
		wantFail string
	}{
		// The example of AWS's "Message extraction" page: the messages,
		// one per line.
		{"data message", cwl("DATA_MESSAGE", trail...), []string{strings.Join(trail, "\n")}, ""},
		{"one event", cwl("DATA_MESSAGE", "plain text"), []string{"plain text"}, ""},
		{"message with a line feed", cwl("DATA_MESSAGE", "a\nb", "c"), []string{"a\nb\nc"}, ""},
		{"control message", cwl("CONTROL_MESSAGE", "CWL CONTROL MESSAGE: Checking health of destination Firehose."), []string{}, ""},
		{"no events", cwl("DATA_MESSAGE"), []string{}, ""},
		{"not json", "hello", nil, "is not JSON"},
		{"other json", `{"a":1}`, nil, `its messageType is ""`},
		{"json array", `[1]`, nil, "is not JSON"},
		{"event without message", `{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1"}]}`, nil, "log event 0 has no message"},
		{"message not a string", `{"messageType":"DATA_MESSAGE","logEvents":[{"message":5}]}`, nil, "is not JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := gz(t, tc.doc)
			out, failed := c.BeforeLambda([]Record{{Data: raw, Seq: 9}})
			if tc.wantFail != "" {
				if len(out) != 0 || len(failed) != 1 {
					t.Fatalf("out %q, failed %+v; want one failure", datas(out), failed)
				}
				f := failed[0]
				if f.Code != CodeNotCloudWatchLogs || f.Output != OutputDecompressionFailed || !strings.Contains(f.Message, tc.wantFail) {
					t.Errorf("failure %+v; want a message with %q", f, tc.wantFail)
				}
				if !bytes.Equal(f.Record.RawData(), raw) {
					t.Errorf("failure raw data %q; want the compressed record", f.Record.RawData())
				}
				return
			}
			if len(failed) != 0 || !reflect.DeepEqual(datas(out), tc.want) {
				t.Fatalf("out %q, failed %+v; want %q", datas(out), failed, tc.want)
			}
		})
	}
}

func TestDecompressionWithoutExtraction(t *testing.T) {
	doc := cwl("CONTROL_MESSAGE", "x")
	out, failed := compile(t, decompression).BeforeLambda([]Record{{Data: gz(t, doc)}})
	if len(failed) != 0 || !reflect.DeepEqual(datas(out), []string{doc}) {
		t.Fatalf("out %q, failed %+v; want the whole decompressed message", datas(out), failed)
	}
}

func TestRecordDeAggregationJSON(t *testing.T) {
	c := compile(t, deaggJSON)
	objs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `{"i":%d}`, i)
		}
		return b.String()
	}
	tests := []struct {
		name, data string
		want       []string
	}{
		// AWS's examples of valid input.
		{"concatenated", `{"a":1}{"a":2}`, []string{`{"a":1}`, `{"a":2}`}},
		{"newline separated", "{\"a\":1}\n{\"a\":2}\n", []string{`{"a":1}`, `{"a":2}`}},
		{"crlf and spaces", " {\"a\":1} \r\n\t{\"a\":2}", []string{`{"a":1}`, `{"a":2}`}},
		{"nested and tricky strings", `{"a":{"b":"}{"}}{"c":"\"}"}`, []string{`{"a":{"b":"}{"}}`, `{"c":"\"}"}`}},
		{"one object", `{"a":1}`, []string{`{"a":1}`}},
		// AWS's example of invalid input, and other things that are not
		// a sequence of objects: the record passes whole.
		{"array", `[{"a":1}, {"a":2}]`, []string{`[{"a":1}, {"a":2}]`}},
		{"object then scalar", `{"a":1} 5`, []string{`{"a":1} 5`}},
		{"invalid", `{"a":1}{"a":`, []string{`{"a":1}{"a":`}},
		{"not json", `hello`, []string{`hello`}},
		{"empty", ``, []string{``}},
		{"500 objects", objs(500), nil},
		{"501 objects", objs(501), []string{objs(501)}},
	}
	tests[10].want = nil
	for i := range 500 {
		tests[10].want = append(tests[10].want, fmt.Sprintf(`{"i":%d}`, i))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, failed := c.BeforeLambda([]Record{{Data: []byte(tc.data), Seq: 4, Arrival: 5}})
			if len(failed) != 0 || !reflect.DeepEqual(datas(out), tc.want) {
				t.Fatalf("out %q, failed %+v; want %q", datas(out), failed, tc.want)
			}
			for i, r := range out {
				if r.Seq != 4 || r.Arrival != 5 || r.Sub != i {
					t.Errorf("record %d = %+v; want Seq 4, Arrival 5, Sub %d", i, r, i)
				}
			}
		})
	}
}

func TestRecordDeAggregationDelimited(t *testing.T) {
	tests := []struct {
		name, delimiter, data string
		want                  []string
	}{
		{"hashes", "IyMjIw==", "a####b####c", []string{"a", "b", "c"}},
		{"trailing delimiter", "IyMjIw==", "a####b####", []string{"a", "b"}},
		{"empty pieces", "IyMjIw==", "########a########", []string{"a"}},
		{"no delimiter", "IyMjIw==", "abc", []string{"abc"}},
		{"newline", "Cg==", "x\ny\n", []string{"x", "y"}},
		{"partial delimiter", "IyMjIw==", "a###b", []string{"a###b"}},
		{"501 pieces", "LA==", strings.Repeat("x,", 501), []string{strings.Repeat("x,", 501)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, failed := compile(t, deaggDelimited(tc.delimiter)).BeforeLambda([]Record{{Data: []byte(tc.data)}})
			if len(failed) != 0 || !reflect.DeepEqual(datas(out), tc.want) {
				t.Fatalf("out %q, failed %+v; want %q", datas(out), failed, tc.want)
			}
		})
	}
	out, _ := compile(t, deaggDelimited("LA==")).BeforeLambda([]Record{{Data: []byte(strings.Repeat("x,", 500))}})
	if len(out) != 500 {
		t.Errorf("500 pieces made %d records", len(out))
	}
}

func TestKPL(t *testing.T) {
	agg := kpl.Aggregate([]kpl.SubRecord{{PartitionKey: "p1", Data: []byte(`{"a":1}{"a":2}`)}, {PartitionKey: "p2", Data: []byte(`{"a":3}`)}})
	corrupt := append([]byte{}, agg...)
	corrupt[len(corrupt)-1] ^= 1
	in := []Record{{Data: agg, Seq: 1, PartitionKey: "outer"}, {Data: []byte("plain"), Seq: 2, PartitionKey: "outer"}, {Data: corrupt, Seq: 3}}

	// Read from a Kinesis data stream: user records first, then the
	// RecordDeAggregation processor splits each.
	out, failed := compile(t).BeforeLambda(in)
	if len(failed) != 0 || len(out) != 3 {
		t.Fatalf("without KinesisSource: out %q, failed %+v; want the records untouched", datas(out), failed)
	}
	c, err := Compile([]Spec{deaggJSON}, KinesisSource())
	if err != nil {
		t.Fatal(err)
	}
	out, failed = c.BeforeLambda(in)
	if len(failed) != 0 {
		t.Fatalf("failed %+v", failed)
	}
	type rec struct {
		data, pk string
		seq      uint64
		sub      int
	}
	var got []rec
	for _, r := range out {
		got = append(got, rec{string(r.Data), r.PartitionKey, r.Seq, r.Sub})
	}
	want := []rec{{`{"a":1}`, "p1", 1, 0}, {`{"a":2}`, "p1", 1, 1}, {`{"a":3}`, "p2", 1, 2}, {"plain", "outer", 2, 0}, {string(corrupt), "", 3, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	// With no processors at all, a Kinesis source still de-aggregates.
	c, _ = Compile(nil, KinesisSource())
	if out, _ := c.BeforeLambda(in[:1]); len(out) != 2 {
		t.Errorf("KinesisSource without processors made %q", datas(out))
	}
}

func TestAppendDelimiterToRecord(t *testing.T) {
	buf := []byte("abcdef")
	in := []Record{{Data: buf[:3:6], Keys: map[string]string{"k": "v"}}, {Data: []byte{}}}
	out, failed := compile(t, appendNewline).AfterLambda(in)
	if len(failed) != 0 || !reflect.DeepEqual(datas(out), []string{"abc\n", "\n"}) {
		t.Fatalf("out %q, failed %+v", datas(out), failed)
	}
	if string(buf) != "abcdef" {
		t.Errorf("AppendDelimiterToRecord wrote into the caller's array: %q", buf)
	}
	if out[0].Keys["k"] != "v" {
		t.Errorf("keys lost: %+v", out[0])
	}
	out, _ = compile(t, Spec{Type: TypeAppendDelimiterToRecord, Params: map[string]string{ParamDelimiter: `\r\n`}}).AfterLambda(in[:1])
	if string(out[0].Data) != "abc\r\n" {
		t.Errorf("custom delimiter: %q", out[0].Data)
	}
}

// TestOrder checks AWS's order (decompression, message extraction and
// de-aggregation before Lambda; partition keys, then the delimiter, after
// it) whatever the order of the processor list.
func TestOrder(t *testing.T) {
	specs := []Spec{appendNewline, metadata(`{customer_id: .customer_id}`), deaggJSON, extraction, decompression}
	msgs := []string{`{"customer_id":"a","n":1}`, `{"customer_id":"b","n":2}{"customer_id":"c","n":3}`}
	raw := gz(t, cwl("DATA_MESSAGE", msgs...))
	for _, order := range [][]int{{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 0, 4, 1, 3}} {
		var list []Spec
		for _, i := range order {
			list = append(list, specs[i])
		}
		c := compile(t, list...)
		mid, failed := c.BeforeLambda([]Record{{Data: raw, Seq: 10, Arrival: 99}})
		if len(failed) != 0 {
			t.Fatalf("order %v: failed %+v", order, failed)
		}
		out, failed := c.AfterLambda(mid)
		if len(failed) != 0 {
			t.Fatalf("order %v: failed %+v", order, failed)
		}
		want := []string{`{"customer_id":"a","n":1}` + "\n", `{"customer_id":"b","n":2}` + "\n", `{"customer_id":"c","n":3}` + "\n"}
		if !reflect.DeepEqual(datas(out), want) {
			t.Fatalf("order %v: out %q, want %q", order, datas(out), want)
		}
		for i, r := range out {
			if r.Keys["customer_id"] != string(rune('a'+i)) || r.Sub != i || r.Seq != 10 || !bytes.Equal(r.RawData(), raw) {
				t.Errorf("order %v: record %d = %+v", order, i, r)
			}
		}
	}
}

// TestFailureAfterDecompression checks the rule of AWS's decompression
// troubleshooting page: a record that fails after decompression goes to the
// error output compressed, as it arrived.
func TestFailureAfterDecompression(t *testing.T) {
	c := compile(t, decompression, metadata(`{k: .k}`))
	raw := gz(t, `not json`)
	mid, _ := c.BeforeLambda([]Record{{Data: raw}})
	_, failed := c.AfterLambda(mid)
	if len(failed) != 1 || !bytes.Equal(failed[0].Record.RawData(), raw) || failed[0].Message != nonJSON {
		t.Fatalf("failed = %+v", failed)
	}
}
