package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files in testdata")

func bytesOf(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// TestDiscoverGuideCSV is sch-dis-ref.md's DiscoverInputSchema example: the
// data.csv object and AWS's answer, which Sluice reproduces exactly.
func TestDiscoverGuideCSV(t *testing.T) {
	const object = "year,month,state,producer_type,energy_source,units,consumption\r\n" +
		"2001,1,AK,TotalElectricPowerIndustry,Coal,ShortTons,47615\r\n" +
		"2001,1,AK,ElectricGeneratorsElectricUtilities,Coal,ShortTons,16535\r\n" +
		"2001,1,AK,CombinedHeatandPowerElectricPower,Coal,ShortTons,22890\r\n" +
		"2001,1,AL,TotalElectricPowerIndustry,Coal,ShortTons,3020601\r\n" +
		"2001,1,AL,ElectricGeneratorsElectricUtilities,Coal,ShortTons,2987681"
	aws := `{
	  "InputSchema": {
	    "RecordEncoding": "UTF-8",
	    "RecordColumns": [
	      {"SqlType": "INTEGER", "Name": "COL_year"},
	      {"SqlType": "INTEGER", "Name": "COL_month"},
	      {"SqlType": "VARCHAR(4)", "Name": "state"},
	      {"SqlType": "VARCHAR(64)", "Name": "producer_type"},
	      {"SqlType": "VARCHAR(4)", "Name": "energy_source"},
	      {"SqlType": "VARCHAR(16)", "Name": "units"},
	      {"SqlType": "INTEGER", "Name": "consumption"}
	    ],
	    "RecordFormat": {
	      "RecordFormatType": "CSV",
	      "MappingParameters": {"CSVMappingParameters": {"RecordRowDelimiter": "\r\n", "RecordColumnDelimiter": ","}}
	    }
	  },
	  "RawInputRecords": [` + quoteJSON(object) + `],
	  "ParsedInputRecords": [
	    [null, null, "state", "producer_type", "energy_source", "units", null],
	    ["2001", "1", "AK", "TotalElectricPowerIndustry", "Coal", "ShortTons", "47615"],
	    ["2001", "1", "AK", "ElectricGeneratorsElectricUtilities", "Coal", "ShortTons", "16535"],
	    ["2001", "1", "AK", "CombinedHeatandPowerElectricPower", "Coal", "ShortTons", "22890"],
	    ["2001", "1", "AL", "TotalElectricPowerIndustry", "Coal", "ShortTons", "3020601"],
	    ["2001", "1", "AL", "ElectricGeneratorsElectricUtilities", "Coal", "ShortTons", "2987681"]
	  ]
	}`
	d, err := Discover(bytesOf(object))
	if err != nil {
		t.Fatal(err)
	}
	var want Discovery
	if err := json.Unmarshal([]byte(aws), &want); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(d)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(got, wantJSON) {
		t.Errorf("discovery differs from AWS's answer:\n got %s\nwant %s", got, wantJSON)
	}
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestDiscoverDemoStream: the getting-started demo stream's records give
// the schema the guide shows for SOURCE_SQL_STREAM_001.
func TestDiscoverDemoStream(t *testing.T) {
	d, err := Discover(bytesOf(
		`{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":-0.05,"PRICE":84.51}`,
		`{"TICKER_SYMBOL":"AMZN","SECTOR":"TECHNOLOGY","CHANGE":-1.26,"PRICE":622.84}`,
		`{"TICKER_SYMBOL":"WAS","SECTOR":"RETAIL","CHANGE":0.72,"PRICE":25.91}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []RecordColumn{
		{Name: "TICKER_SYMBOL", SqlType: "VARCHAR(4)", Mapping: "$.TICKER_SYMBOL"},
		{Name: "SECTOR", SqlType: "VARCHAR(16)", Mapping: "$.SECTOR"},
		{Name: "CHANGE", SqlType: "REAL", Mapping: "$.CHANGE"},
		{Name: "PRICE", SqlType: "REAL", Mapping: "$.PRICE"},
	}
	if got := d.InputSchema.RecordColumns; !equalColumns(got, want) {
		t.Errorf("columns %+v, want %+v", got, want)
	}
	if rp := d.InputSchema.RecordFormat.MappingParameters.JSONMappingParameters.RecordRowPath; rp != "$" {
		t.Errorf("row path %q", rp)
	}
	if len(d.ParsedInputRecords) != 3 || *d.ParsedInputRecords[0][2] != "-0.05" || len(d.RawInputRecords) != 3 {
		t.Errorf("parsed %v", d.ParsedInputRecords)
	}
}

func equalColumns(a, b []RecordColumn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDiscoverTypes: the types the guide's examples expect discovery to
// pick.
func TestDiscoverTypes(t *testing.T) {
	tests := []struct {
		samples []string
		want    string // SqlType of the first column
	}{
		// "the discovery process will most likely assign the TINYINT type"
		// to heart rates.
		{[]string{`{"heartRate": 60}`, `{"heartRate": 98}`}, "TINYINT"},
		{[]string{`{"v": 60}`, `{"v": 180}`}, "SMALLINT"},
		{[]string{`{"v": 70000}`}, "INTEGER"},
		{[]string{`{"v": 3000000000}`}, "BIGINT"},
		{[]string{`{"v": 30000000000000000000}`}, "REAL"},
		{[]string{`{"v": 1}`, `{"v": 1.5}`}, "REAL"},
		{[]string{`{"x": 7.921782426109737}`}, "REAL"},
		{[]string{`{"v": 1e300}`}, "DOUBLE"},
		{[]string{`{"v": true}`, `{"v": false}`}, "BOOLEAN"},
		{[]string{`{"v": "2026-12-03 17:01:02.123"}`, `{"v": "2026-12-03 17:01:03"}`}, "TIMESTAMP"},
		// The guide's EVENT_TIME (Python's isoformat) is discovered as a
		// string and changed to TIMESTAMP by hand.
		{[]string{`{"EVENT_TIME": "2018-05-09T12:50:41.337510"}`}, "VARCHAR(32)"},
		{[]string{`{"v": "Y"}`}, "VARCHAR(4)"},
		{[]string{`{"v": "HEALTHCARE"}`}, "VARCHAR(16)"},
		{[]string{`{"v": "ElectricGeneratorsElectricUtilities"}`}, "VARCHAR(64)"},
		{[]string{`{"v": 1}`, `{"v": "one"}`}, "VARCHAR(4)"},
		{[]string{`{"v": null}`, `{"v": 5}`}, "TINYINT"},
		{[]string{`{"v": null}`}, "VARCHAR(4)"},
		{[]string{`{"v": [1,2,3]}`}, "VARCHAR(8)"},
		{[]string{`{"v": "` + strings.Repeat("x", 70000) + `"}`}, "VARCHAR(65534)"},
		{[]string{"a,1.5\nb,2"}, "VARCHAR(4)"},
		{[]string{"1.5,a\n2,b"}, "DOUBLE"},
		{[]string{"1,a\n2,b"}, "INTEGER"},
		{[]string{"3000000000,a"}, "BIGINT"},
		{[]string{"true,a\nFALSE,b"}, "BOOLEAN"},
		{[]string{"2026-12-03 17:01:02,a"}, "TIMESTAMP"},
	}
	for _, tt := range tests {
		d, err := Discover(bytesOf(tt.samples...))
		if err != nil {
			t.Errorf("%q: %v", tt.samples, err)
			continue
		}
		if got := d.InputSchema.RecordColumns[0].SqlType; got != tt.want {
			t.Errorf("%.60q: %s, want %s", tt.samples, got, tt.want)
		}
	}
}

// TestDiscoverNames: sch-dis.md's examples of renamed columns.
func TestDiscoverNames(t *testing.T) {
	d, err := Discover(bytesOf(`{"@@":1,"USER":"a","USER@DOMAIN":"b","ok_name":1,"1st":2,"VALUES":3,"a-b":4,"a_b":5}`))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range d.InputSchema.RecordColumns {
		names = append(names, c.Name)
	}
	want := "COL_0 COL_USER COL_USERDOMAIN ok_name COL_1st COL_VALUES COL_ab a_b"
	if strings.Join(names, " ") != want {
		t.Errorf("names %v, want %s", names, want)
	}
	if got := columnName(strings.Repeat("n", 120), 3); len(got) != 100 || !strings.HasPrefix(got, "COL_nnn") {
		t.Errorf("long name %q", got)
	}
	n := []string{"a", "A", "b", "a"}
	uniqueNames(n)
	if strings.Join(n, " ") != "a A_2 b a_3" {
		t.Errorf("unique %v", n)
	}
}

func TestDiscoverNothing(t *testing.T) {
	for _, samples := range [][][]byte{nil, bytesOf(""), bytesOf("  ", "\n")} {
		if _, err := Discover(samples); !errors.Is(err, ErrUnableToDetectSchema) {
			t.Errorf("%q: %v", samples, err)
		}
	}
}

// TestDiscoverGolden runs discovery on each testdata/discover/*.txt (sample
// records separated by lines of ---) and compares the answer with the
// .golden file next to it; go test -run Golden -rewrite updates them.
func TestDiscoverGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/discover/*.txt")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var samples [][]byte
		for _, s := range strings.Split(string(in), "\n---\n") {
			samples = append(samples, []byte(strings.ReplaceAll(s, `\r`, "\r")))
		}
		d, err := Discover(samples)
		var got []byte
		if err != nil {
			got = []byte("error: " + err.Error() + "\n")
		} else {
			got, _ = json.MarshalIndent(d, "", "  ")
			got = append(got, '\n')
		}
		golden := strings.TrimSuffix(f, ".txt") + ".golden"
		if *rewrite {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%s: %v (run with -rewrite)", golden, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s:\n%s", f, golden, got)
		}
	}
}

// FuzzDiscover: Discover never panics, and a schema it infers compiles and
// parses its own samples into rows of its columns.
func FuzzDiscover(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":"x"}`, "a,b\n1,2", `{"records":[{"t":1}]}`, `[{"x":[1,2]}]`, "x\ty\r\n1\t2",
		`{"a":{"b":{"c":true}}}`, `"q",1`, `{"a":"2026-12-03 17:01:02"}`} {
		f.Add(s, "")
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		d, err := Discover(bytesOf(a, b))
		if err != nil {
			if !errors.Is(err, ErrUnableToDetectSchema) {
				t.Fatalf("%q %q: %v", a, b, err)
			}
			return
		}
		p, err := NewParser(d.InputSchema)
		if err != nil {
			t.Fatalf("%q %q: the discovered schema does not compile: %v\n%+v", a, b, err, d.InputSchema)
		}
		for _, s := range []string{a, b} {
			vals, _ := p.Parse(nil, []byte(s))
			checkRowTypes(t, p, vals)
		}
		for _, r := range d.ParsedInputRecords {
			if len(r) != len(d.InputSchema.RecordColumns) {
				t.Fatalf("a parsed record of %d values for %d columns", len(r), len(d.InputSchema.RecordColumns))
			}
		}
	})
}
