package process

import (
	"bytes"
	"encoding/json"
	"math"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// awsRecord is the sample record of AWS's dynamic partitioning guide
// (without its "#epoch timestamp" comment, which is not JSON).
const awsRecord = `{"type":{"device":"mobile","event":"user_clicked_submit_button"},"customer_id":"1234567890","event_timestamp":1565382027,"region":"sample_region"}`

// awsQuery maps the guide's keys to the guide's jq expressions.
const awsQuery = `{customer_id: .customer_id, device: .type.device, year: .event_timestamp|strftime("%Y"), ` +
	`month: .event_timestamp|strftime("%m"), day: .event_timestamp|strftime("%d"), hour: .event_timestamp|strftime("%H")}`

func TestMetadataExtraction(t *testing.T) {
	tests := []struct {
		name, query, data string
		want              map[string]string
		wantErr           string
	}{
		// The guide's example: the record lands under
		// customer_id=1234567890/device=mobile/year=2019/month=08/day=09/hour=20/.
		{"aws guide", awsQuery, awsRecord,
			map[string]string{"customer_id": "1234567890", "device": "mobile", "year": "2019", "month": "08", "day": "09", "hour": "20"}, ""},
		{"numbers as jq 1.6 prints them", `{a: .a, b: .b, c: .c, d: .d, e: 1, f: 12345678901234567890}`,
			`{"a":1565382027,"b":1234567890123456789,"c":0.00001,"d":1.50}`,
			map[string]string{"a": "1565382027", "b": "1234567890123456800", "c": "1e-05", "d": "1.5", "e": "1", "f": "12345678901234567000"}, ""},
		{"booleans", `{t: .t, f: .f}`, `{"t":true,"f":false}`, map[string]string{"t": "true", "f": "false"}, ""},
		{"computed key", `{("k" + .n): .v}`, `{"n":"1","v":"x"}`, map[string]string{"k1": "x"}, ""},
		{"jq 1.6 builtin gojq lacks", `{k: (.o | keys_unsorted | join(","))}`, `{"o":{"b":1,"a":2}}`, map[string]string{"k": "a,b"}, ""},
		{"trailing newline", `{k: .k}`, "{\"k\":\"v\"}\n", map[string]string{"k": "v"}, ""},
		{"empty object", `{}`, `{}`, map[string]string{}, ""},
		{"not json", `{k: .k}`, `not json`, nil, nonJSON},
		{"two objects", `{k: .k}`, `{"k":1}{"k":2}`, nil, nonJSON},
		{"truncated", `{k: .k}`, `{"k":`, nil, nonJSON},
		{"null key", `{k: .missing}`, `{"k":1}`, nil, `The partition key "k" is null`},
		{"object key", `{k: .}`, `{"k":1}`, nil, `The partition key "k" is an object`},
		{"array key", `{k: [1]}`, `{}`, nil, `is an array`},
		{"not an object", `.k`, `{"k":"v"}`, nil, "produced a string, not a JSON object"},
		{"query error", `{k: (.k | strftime("%Y"))}`, `{"k":"x"}`, nil, "The MetadataExtractionQuery failed on the record"},
		{"array input", `{k: .k}`, `[1]`, nil, "failed on the record"},
		{"several results", `{k: (.a[])}`, `{"a":["x","y"]}`, nil, "more than one result"},
		{"no result", `{k: .k} | select(false)`, `{"k":"v"}`, nil, "produced no result"},
		{"too many keys at run time", `[range(51) | {(tostring): "v"}] | add`, `{}`, nil, "produced 51 partition keys; the limit is 50"},
		{"error", `error("boom")`, `{}`, nil, "boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := compile(t, metadata(tc.query))
			out, failed := c.AfterLambda([]Record{{Data: []byte(tc.data), Seq: 1, Keys: map[string]string{"old": "x"}}})
			if tc.wantErr != "" {
				if len(out) != 0 || len(failed) != 1 {
					t.Fatalf("out %+v, failed %+v; want a failure", out, failed)
				}
				f := failed[0]
				if f.Code != CodeMetadataExtractionFailed || f.Output != OutputMetadataExtractionFailed || !strings.Contains(f.Message, tc.wantErr) ||
					string(f.Record.Data) != tc.data {
					t.Errorf("failure %+v; want a message with %q", f, tc.wantErr)
				}
				return
			}
			if len(failed) != 0 || len(out) != 1 {
				t.Fatalf("out %+v, failed %+v", out, failed)
			}
			if !reflect.DeepEqual(out[0].Keys, tc.want) {
				t.Errorf("keys %v, want %v", out[0].Keys, tc.want)
			}
			if string(out[0].Data) != tc.data {
				t.Errorf("data changed: %q", out[0].Data)
			}
		})
	}
}

func TestMetadataExtractionTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("takes QueryTimeout")
	}
	c := compile(t, metadata(`{k: (last(repeat(.)) | tostring)}`))
	_, failed := c.AfterLambda([]Record{{Data: []byte(`{}`)}})
	if len(failed) != 1 || !strings.Contains(failed[0].Message, "did not finish within") {
		t.Fatalf("failed = %+v", failed)
	}
}

func TestQueryEnvironment(t *testing.T) {
	// The server's environment is not the query's.
	t.Setenv("SLUICE_SECRET", "s3cr3t")
	out, failed := compile(t, metadata(`{k: ($ENV | length | tostring), e: (env | length | tostring)}`)).AfterLambda([]Record{{Data: []byte(`{}`)}})
	if len(failed) != 0 || out[0].Keys["k"] != "0" || out[0].Keys["e"] != "0" {
		t.Fatalf("out %+v, failed %+v", out, failed)
	}
}

// TestJQ16Number checks number printing against what jq 1.6 printed for
// the same numbers (jq -c '{k: .}').
func TestJQ16Number(t *testing.T) {
	tests := map[string]string{
		"0": "0", "-0": "-0", "1.5": "1.5", "1e16": "1e+16", "1e17": "1e+17", "3e20": "3e+20",
		"1234567890123456789": "1234567890123456800", "0.0001": "0.0001", "0.00001": "1e-05", "1e-7": "1e-07",
		"123456.789": "123456.789", "1e300": "1e+300", "1e1000": "1.7976931348623157e+308", "-2.5e-10": "-2.5e-10",
		"100": "100", "1565382027": "1565382027", "12345678901234567": "12345678901234568",
		"123456789012345678": "123456789012345680", "0.1": "0.1", "0.30000000000000004": "0.30000000000000004",
		"1000000000000000": "1000000000000000",
	}
	for in, want := range tests {
		f, _ := strconv.ParseFloat(in, 64)
		if got := jq16Number(f); got != want {
			t.Errorf("jq16Number(%s) = %s, want %s", in, got, want)
		}
	}
	if got := jq16Number(math.NaN()); got != "null" {
		t.Errorf("NaN = %s", got)
	}
	if got := jq16Number(math.Inf(-1)); got != "-1.7976931348623157e+308" {
		t.Errorf("-Inf = %s", got)
	}
}

// TestAgainstJQ16 runs the same queries through the jq 1.6 binary, when
// the machine has one, and compares the partition keys.
func TestAgainstJQ16(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Skip("no jq")
	}
	if v, err := exec.Command(jq, "--version").Output(); err != nil || strings.TrimSpace(string(v)) != "jq-1.6" {
		t.Skipf("jq is %s, not jq-1.6", v)
	}
	cases := []struct{ query, data string }{
		{awsQuery, awsRecord},
		{`{a: .a, b: .b, c: .c, d: (.d * 3), e: (.a / 7)}`, `{"a":1565382027,"b":1234567890123456789,"c":0.00001,"d":1.1}`},
		{`{k: (.s | ascii_downcase | ltrimstr("x")), n: (.s | length)}`, `{"s":"XAbC"}`},
		{`{y: (.t | todate), z: (.t | strftime("%Y-%m-%dT%H:%M:%SZ")), w: (.t | gmtime | mktime)}`, `{"t":1565382027}`},
		{`{k: (.a | map(. * 2) | add)}`, `{"a":[1,2,3.5]}`},
		{`{k: (.x // "default")}`, `{}`},
		{`{k: (if .n > 3 then "big" else "small" end)}`, `{"n":4}`},
		{`{k: (.s | test("^a.c$"))}`, `{"s":"abc"}`},
		{`{k: (.s | sub("b"; "B"))}`, `{"s":"abcb"}`},
		{`{k: (.o | keys | join("-"))}`, `{"o":{"z":1,"a":2}}`},
		{`{k: 1e17, l: -0.000001, m: 100000}`, `{}`},
	}
	for _, tc := range cases {
		cmd := exec.Command(jq, "-c", tc.query+" | map_values(tostring)")
		cmd.Stdin = strings.NewReader(tc.data)
		got, err := cmd.Output()
		if err != nil {
			t.Fatalf("jq %s: %v", tc.query, err)
		}
		var want map[string]string
		if err := json.Unmarshal(bytes.TrimSpace(got), &want); err != nil {
			t.Fatalf("jq %s printed %q: %v", tc.query, got, err)
		}
		out, failed := compile(t, metadata(tc.query)).AfterLambda([]Record{{Data: []byte(tc.data)}})
		if len(failed) != 0 {
			t.Fatalf("%s: %+v", tc.query, failed)
		}
		if !reflect.DeepEqual(out[0].Keys, want) {
			t.Errorf("%s:\n sluice %v\n jq 1.6 %v", tc.query, out[0].Keys, want)
		}
	}
}

func BenchmarkMetadataExtraction(b *testing.B) {
	c := compile(b, metadata(awsQuery))
	recs := make([]Record, 500)
	for i := range recs {
		recs[i] = Record{Data: []byte(awsRecord)}
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(awsRecord) * len(recs)))
	b.ResetTimer()
	for b.Loop() {
		if _, failed := c.AfterLambda(recs); len(failed) != 0 {
			b.Fatal(failed)
		}
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
}
