package process

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"sluice/internal/kpl"
)

// FuzzChain compiles random processor lists and runs them on random
// records. Properties: nothing panics; every input record ends up in out or
// failed, or was dropped by a processor that drops (CloudWatch Logs control
// messages, messages without events); records keep their Seq and Arrival;
// Subs number each record's outputs from 0.
func FuzzChain(f *testing.F) {
	f.Add(uint8(0xff), "IyMjIw==", `{k: .k}`, `\n`, []byte(`{"k":"v"}{"k":"w"}`))
	f.Add(uint8(0x03), "Cg==", `.`, ``, []byte("a\nb"))
	f.Add(uint8(0x1c), "", `{k: (.k|tostring)}`, `|`, []byte(`{"k":1}`))
	f.Add(uint8(0x40), "", ``, ``, kpl.Aggregate([]kpl.SubRecord{{PartitionKey: "p", Data: []byte(`{"k":1}`)}}))
	f.Fuzz(func(t *testing.T, mask uint8, delimiter, query, appendDelimiter string, data []byte) {
		var specs []Spec
		if mask&1 != 0 {
			specs = append(specs, Spec{Type: TypeDecompression, Params: map[string]string{ParamCompressionFormat: "GZIP"}})
			data = gzipBytes(data)
		}
		if mask&2 != 0 {
			specs = append(specs, Spec{Type: TypeCloudWatchLogProcessing, Params: map[string]string{ParamDataMessageExtraction: "true"}})
		}
		if mask&4 != 0 {
			p := map[string]string{ParamSubRecordType: "JSON"}
			if mask&8 != 0 {
				p = map[string]string{ParamSubRecordType: "DELIMITED", ParamDelimiter: delimiter}
			}
			specs = append(specs, Spec{Type: TypeRecordDeAggregation, Params: p})
		}
		if mask&16 != 0 {
			specs = append(specs, Spec{Type: TypeMetadataExtraction, Params: map[string]string{ParamMetadataExtractionQuery: query, ParamJsonParsingEngine: JQ16}})
		}
		if mask&32 != 0 {
			p := map[string]string{}
			if appendDelimiter != "" {
				p[ParamDelimiter] = appendDelimiter
			}
			specs = append(specs, Spec{Type: TypeAppendDelimiterToRecord, Params: p})
		}
		var opts []Option
		if mask&64 != 0 {
			opts = append(opts, KinesisSource())
		}
		if mask&128 != 0 && len(specs) > 0 {
			specs = append(specs, specs[0]) // a duplicate: always refused
		}
		c, err := Compile(specs, opts...)
		if err != nil {
			if _, ok := err.(*ConfigError); !ok {
				t.Fatalf("Compile error %T %v", err, err)
			}
			return
		}
		in := []Record{{Data: data, Seq: 1, Arrival: 2}, {Data: data, Seq: 2, Arrival: 2}}
		mid, failed := c.BeforeLambda(in)
		out, failed2 := c.AfterLambda(mid)
		if len(failed2) > len(mid) {
			t.Fatalf("AfterLambda failed %d of %d records", len(failed2), len(mid))
		}
		for _, r := range append(append([]Record{}, mid...), out...) {
			if r.Seq != 1 && r.Seq != 2 || r.Arrival != 2 {
				t.Fatalf("record lost its Seq or Arrival: %+v", r)
			}
		}
		for i, r := range mid {
			want := 0
			if i > 0 && mid[i-1].Seq == r.Seq {
				want = mid[i-1].Sub + 1
			}
			if r.Sub != want {
				t.Fatalf("record %d of Seq %d has Sub %d, want %d", i, r.Seq, r.Sub, want)
			}
		}
		for _, f := range append(failed, failed2...) {
			if f.Code == "" || f.Message == "" || f.Output == "" {
				t.Fatalf("incomplete failure %+v", f)
			}
		}
		if !c.decompress && !c.cwl && !c.kinesis && c.split == nil && len(mid) != len(in) {
			t.Fatalf("no processors before Lambda, yet %d records became %d", len(in), len(mid))
		}
	})
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// FuzzDecompression feeds arbitrary bytes to Decompression and
// CloudWatchLogProcessing, compressed or not. Properties: no panic; a
// record either comes out once, is dropped, or fails with the decompression
// error output type; what decompresses equals what was compressed.
func FuzzDecompression(f *testing.F) {
	f.Add([]byte(cwl("DATA_MESSAGE", "a", "b")), true)
	f.Add([]byte(cwl("CONTROL_MESSAGE", "c")), true)
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, false)
	f.Fuzz(func(t *testing.T, data []byte, compress bool) {
		if compress {
			z := gzipBytes(data)
			got, err := gunzip(z)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("gunzip(gzip(x)) = %q, %v", got, err)
			}
			data = z
		}
		c, err := Compile([]Spec{decompression, extraction})
		if err != nil {
			t.Fatal(err)
		}
		out, failed := c.BeforeLambda([]Record{{Data: data}})
		if len(out)+len(failed) > 1 {
			t.Fatalf("one record became %d records and %d failures", len(out), len(failed))
		}
		for _, f := range failed {
			if f.Output != OutputDecompressionFailed || !bytes.Equal(f.Record.RawData(), data) {
				t.Fatalf("failure %+v", f)
			}
		}
	})
}

// FuzzSplitJSON checks JSON de-aggregation: each sub-record is one valid
// JSON object, there are at most MaxSubRecords, and the sub-records are
// the record's objects in order (the record, minus the whitespace between
// objects, is their concatenation).
func FuzzSplitJSON(f *testing.F) {
	f.Add([]byte(`{"a":1}{"a":2}`))
	f.Add([]byte("{\"a\":1}\n{\"a\":\"}{\"}\n"))
	f.Add([]byte(`[{"a":1}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parts := splitJSON(data)
		if parts == nil {
			return
		}
		if len(parts) > MaxSubRecords {
			t.Fatalf("%d parts", len(parts))
		}
		var joined []byte
		for _, p := range parts {
			if !json.Valid(p) || p[0] != '{' || p[len(p)-1] != '}' {
				t.Fatalf("part %q is not a JSON object", p)
			}
			joined = append(joined, p...)
		}
		if !bytes.Equal(joined, squeeze(data, parts)) {
			t.Fatalf("parts %q do not make up %q", parts, data)
		}
	})
}

// squeeze removes from data the whitespace around the given objects, which
// appear in it in order.
func squeeze(data []byte, parts [][]byte) []byte {
	var out []byte
	rest := data
	for _, p := range parts {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if !bytes.HasPrefix(rest, p) {
			return nil
		}
		out = append(out, p...)
		rest = rest[len(p):]
	}
	if len(bytes.TrimLeft(rest, " \t\r\n")) != 0 {
		return nil
	}
	return out
}

// FuzzMetadataQuery compiles arbitrary queries and runs them on arbitrary
// records: compile errors are ConfigErrors, runs never panic, and a record
// either gets keys or fails with AWS's code.
func FuzzMetadataQuery(f *testing.F) {
	f.Add(awsQuery, []byte(awsRecord))
	f.Add(`{k: .a[]}`, []byte(`{"a":[1,2]}`))
	f.Add(`{k: (.a | tostring)}`, []byte(`{"a":{"b":null}}`))
	f.Fuzz(func(t *testing.T, query string, data []byte) {
		c, err := Compile([]Spec{metadata(query)})
		if err != nil {
			if _, ok := err.(*ConfigError); !ok {
				t.Fatalf("Compile error %T %v", err, err)
			}
			return
		}
		out, failed := c.AfterLambda([]Record{{Data: data}})
		if len(out)+len(failed) != 1 {
			t.Fatalf("%d records and %d failures", len(out), len(failed))
		}
		for _, f := range failed {
			if f.Code != CodeMetadataExtractionFailed || f.Message == "" {
				t.Fatalf("failure %+v", f)
			}
		}
		if len(out) == 1 && out[0].Keys == nil {
			t.Fatal("a record without keys came out")
		}
	})
}

// FuzzJQ16Number checks that printed numbers read back to the same double.
func FuzzJQ16Number(f *testing.F) {
	f.Add(1565382027.0)
	f.Add(1e-5)
	f.Add(-1234567890123456789.0)
	f.Fuzz(func(t *testing.T, x float64) {
		s := jq16Number(x)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		y, err := strconv.ParseFloat(s, 64)
		if err != nil || y != x || math.Signbit(y) != math.Signbit(x) {
			t.Fatalf("jq16Number(%v) = %q, reads back as %v (%v)", x, s, y, err)
		}
	})
}

// FuzzUnescape checks AppendDelimiterToRecord's Delimiter reading: no
// panic, and text without backslashes reads as itself.
func FuzzUnescape(f *testing.F) {
	f.Add(`\n`)
	f.Add(`\u00e9|`)
	f.Fuzz(func(t *testing.T, v string) {
		got, err := unescape(v)
		if !bytes.ContainsRune([]byte(v), '\\') && (err != nil || string(got) != v) {
			t.Fatalf("unescape(%q) = %q, %v", v, got, err)
		}
	})
}
