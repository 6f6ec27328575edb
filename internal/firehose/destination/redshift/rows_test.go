package redshift

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// decode runs a decoder over bodies and returns its rows (fields as
// strings, NULL as <null>) and rejections.
func decode(t *testing.T, opts string, cols []column, bodies ...string) ([][]string, []RowError) {
	t.Helper()
	o, err := ParseCopyOptions(opts)
	if err != nil {
		t.Fatal(err)
	}
	var rejected []RowError
	d := newDecoder(o, cols, func(e RowError) error { rejected = append(rejected, e); return nil })
	for i, b := range bodies {
		if err := d.object("k"+string(rune('1'+i)), []byte(b)); err != nil {
			t.Fatalf("object: %v", err)
		}
	}
	return rowStrings(d.rows), rejected
}

func rowStrings(rows []row) [][]string {
	var out [][]string
	for _, r := range rows {
		var fs []string
		for _, f := range r.fields {
			if f.null {
				fs = append(fs, "<null>")
			} else {
				fs = append(fs, f.v)
			}
		}
		out = append(out, fs)
	}
	return out
}

func textCols(names ...string) []column {
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{name: n, kind: kindChar}
	}
	return cols
}

func reasons(errs []RowError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Key+":"+itoa(e.Line)+":"+e.Reason)
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestDecodeJSON(t *testing.T) {
	cols := []column{{name: "id", kind: kindOther}, {name: "name", kind: kindChar}, {name: "Obj", kind: kindChar}}
	rows, errs := decode(t, "JSON 'auto'", cols,
		"{\"id\": 1e3, \"name\": \"a\\u00e9\", \"Obj\": {\"x\" : [1, {\"y\":null}]}}\n"+
			"junk here\n"+
			"{\"id\":true,\"obj\":1}\n"+
			"[1,2]\n"+
			"{\"id\":2,\n\"name\":\"x\"\n}\n"+
			"{\"id\":",
	)
	want := [][]string{
		{"1e3", "aé", `{"x":[1,{"y":null}]}`},
		{"true", "<null>", "<null>"},
		{"2", "x", "<null>"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
	wantErrs := []string{
		"k1:2:Invalid JSON: characters outside a JSON object",
		"k1:4:Invalid JSONPath format: a JSON array needs a JSONPaths file, which Sluice does not support",
		"k1:8:Invalid JSON: unterminated object",
	}
	if got := reasons(errs); !reflect.DeepEqual(got, wantErrs) {
		t.Errorf("rejections = %q, want %q", got, wantErrs)
	}

	rows, _ = decode(t, "JSON 'auto ignorecase'", cols, `{"ID":1,"NAME":"n","obj":"o"}`)
	if want := [][]string{{"1", "n", "o"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("ignorecase rows = %q, want %q", rows, want)
	}

	_, errs = decode(t, "JSON 'auto'", cols, "{\"name\":\"\xff\"}")
	if len(errs) != 1 || !strings.Contains(errs[0].Reason, "UTF8") {
		t.Errorf("invalid UTF-8: %v", errs)
	}
	rows, _ = decode(t, "JSON 'auto' ACCEPTINVCHARS", cols, "{\"name\":\"a\xe2\x82b\"}")
	if want := [][]string{{"<null>", "a??b", "<null>"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("ACCEPTINVCHARS rows = %q, want %q", rows, want)
	}
	rows, errs = decode(t, "JSON 'auto' IGNOREHEADER 1", cols, "header line\n{\"id\":1}\n")
	if len(errs) != 0 || len(rows) != 1 {
		t.Errorf("IGNOREHEADER: rows %q, errors %v", rows, errs)
	}
}

func TestDecodeText(t *testing.T) {
	cols := textCols("a", "b", "c")
	rows, errs := decode(t, "", cols, "1|2|3\n\n1|2\n1|2|3|4\nx\\|y|\\N\n")
	if want := [][]string{{"1", "2", "3"}, {"x\\", "y", "<null>"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
	if got := reasons(errs); len(got) != 3 || !strings.Contains(got[0], "k1:2:Delimiter not found") || !strings.Contains(got[2], "k1:4:Extra column") {
		t.Errorf("rejections = %q", got)
	}
	// The last field keeps the carriage return: text data is split at \n only.
	rows, _ = decode(t, "DELIMITER ','", cols, "a,b,c\r\n")
	if rows[0][2] != "c\r" {
		t.Errorf("last field = %q", rows[0][2])
	}
	rows, errs = decode(t, "ESCAPE FILLRECORD IGNOREBLANKLINES", cols, "a\\|b|c\\\nd\n\n\\\\N|\\N\n")
	if want := [][]string{{"a|b", "c\nd", ""}, {"<null>", "<null>", ""}}; !reflect.DeepEqual(rows, want) || len(errs) != 0 {
		t.Errorf("ESCAPE rows = %q (%v), want %q", rows, errs, want)
	}
}

func TestDecodeCSV(t *testing.T) {
	cols := textCols("a", "b")
	rows, errs := decode(t, "CSV", cols,
		"1,\"x\"\"y\"\r\n"+
			"  \"q\" , plain \n"+
			"\"a\nb\",\n"+
			"\"bad\"x,1\n"+
			"3,\"\\N\"\n"+
			"4,\"open\n")
	want := [][]string{{"1", `x"y`}, {"q", " plain "}, {"a\nb", ""}, {"3", `\N`}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
	if got := reasons(errs); !reflect.DeepEqual(got, []string{
		"k1:5:unexpected characters after a quoted field",
		"k1:7:unterminated quoted field",
	}) {
		t.Errorf("rejections = %q", got)
	}
	rows, _ = decode(t, "CSV DELIMITER '\\t' QUOTE ''''", cols, "'a\tb'\t'it''s'\n")
	if want := [][]string{{"a\tb", "it's"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
}

func TestConvert(t *testing.T) {
	char := column{name: "c", kind: kindChar, length: 3}
	num := column{name: "n", kind: kindNumeric, scale: 2}
	ts := column{name: "t", kind: kindTimestamp}
	tz := column{name: "t", kind: kindTimestampTZ}
	other := column{name: "o", kind: kindOther}
	tests := []struct {
		col    column
		in     string
		opts   string
		want   string // <null> for NULL, !reason-substring for a rejection
		reason string
	}{
		{char, "", "", "", ""},
		{char, "", "EMPTYASNULL", "<null>", ""},
		{char, "  ", "", "  ", ""},
		{char, "  ", "BLANKSASNULL", "<null>", ""},
		{char, "ab  ", "TRIMBLANKS", "ab", ""},
		{char, "abcdé", "TRUNCATECOLUMNS", "abc", ""},
		{char, "abcdé", "", "abcdé", ""},
		{char, "a\xffb", "", "", "UTF8"},
		{char, "a\xffb", "ACCEPTINVCHARS AS '*'", "a*b", ""},
		{other, "a\xffb", "ACCEPTINVCHARS", "", "UTF8"},
		{char, "a\x00", "", "", "NUL"},
		{other, "", "", "<null>", ""},
		{other, " \t", "", "<null>", ""},
		{other, "42", "", "42", ""},
		{num, "20.259", "", "20.25", ""},
		{num, "-0.999", "", "-0.99", ""},
		{num, ".5", "", ".5", ""},
		{num, "20.259", "ROUNDEC", "20.259", ""},
		{num, "1e-5", "", "1e-5", ""},
		{ts, "1700000000", "TIMEFORMAT 'epochsecs'", "2023-11-14 22:13:20", ""},
		{tz, "1700000000123", "TIMEFORMAT 'epochmillisecs'", "2023-11-14 22:13:20.123+00", ""},
		{ts, "-1.5", "TIMEFORMAT 'epochsecs'", "1969-12-31 23:59:58.5", ""},
		{ts, "17e8", "TIMEFORMAT 'epochsecs'", "", "epoch"},
		{ts, "2024-01-01T00:00:00Z", "TIMEFORMAT 'auto'", "2024-01-01T00:00:00Z", ""},
	}
	for _, tt := range tests {
		o, err := ParseCopyOptions(tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		f, reason := convert(tt.col, tt.in, o)
		got := f.v
		if f.null {
			got = "<null>"
		}
		if tt.reason != "" {
			if !strings.Contains(reason, tt.reason) {
				t.Errorf("convert(%v, %q, %s) = %q, %q; want a rejection saying %q", tt.col, tt.in, tt.opts, got, reason, tt.reason)
			}
			continue
		}
		if reason != "" || got != tt.want {
			t.Errorf("convert(%v, %q, %s) = %q, %q; want %q", tt.col, tt.in, tt.opts, got, reason, tt.want)
		}
	}
}

func TestParseEpoch(t *testing.T) {
	for in, want := range map[string]string{
		"0": "1970-01-01T00:00:00Z", "1.000001": "1970-01-01T00:00:01.000001Z", "+86400": "1970-01-02T00:00:00Z",
		"253402300799": "9999-12-31T23:59:59Z",
	} {
		got, err := parseEpoch(in, false)
		if err != nil || got.Format(time.RFC3339Nano) != want {
			t.Errorf("parseEpoch(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "1.2.3", "253402300800", "99999999999999999999", "-", "1e3"} {
		if _, err := parseEpoch(in, false); err == nil {
			t.Errorf("parseEpoch(%q) accepted", in)
		}
	}
}

func TestColumnKind(t *testing.T) {
	tests := []struct {
		typ    uint32
		typmod int32
		cat    string
		kind   colKind
		length int
		scale  int
	}{
		{oidVarchar, 24, "S", kindChar, 20, 0},
		{25, -1, "S", kindChar, 0, 0},
		{oidNumeric, (8<<16 | 2) + 4, "N", kindNumeric, 0, 2},
		{oidNumeric, -1, "N", kindNumeric, 0, -1},
		{oidTimestampTZ, -1, "D", kindTimestampTZ, 0, 0},
		{23, -1, "N", kindOther, 0, 0},
	}
	for _, tt := range tests {
		k, l, s := columnKind(tt.typ, tt.typmod, tt.cat)
		if k != tt.kind || l != tt.length || s != tt.scale {
			t.Errorf("columnKind(%d, %d, %s) = %v %d %d", tt.typ, tt.typmod, tt.cat, k, l, s)
		}
	}
}

func TestCopyText(t *testing.T) {
	got := string(copyText(nil, row{fields: []field{{v: "a\tb\nc\\d\re"}, {null: true}, {v: `\N`}}}))
	if want := "a\\tb\\nc\\\\d\\re\t\\N\t\\\\N\n"; got != want {
		t.Errorf("copyText = %q, want %q", got, want)
	}
}

func TestWhereColumn(t *testing.T) {
	for in, want := range map[string]string{
		`COPY t1, line 3, column id: "x"`: "id",
		`COPY t1, line 3: "x"`:            "",
		"something else":                  "",
	} {
		if got := whereColumn(in); got != want {
			t.Errorf("whereColumn(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzJSONRows checks the JSON 'auto' mapping: it never panics, every row
// has a field per column, and a string value put under a column's key
// comes back as that column's field.
func FuzzJSONRows(f *testing.F) {
	f.Add([]byte(`{"a":1,"B":"x"} junk {"a":[1,{"b":2}]}`), false, "key", "value")
	f.Add([]byte("{\"a\":\"\\u0000\"}\n[1]\n{"), true, "Key", " ")
	f.Add([]byte(`{"a":"\ud800"}{"b":"}"}}`), false, "", "\\")
	f.Fuzz(func(t *testing.T, body []byte, ignoreCase bool, key, value string) {
		o := Options{Format: FormatJSON, JSONIgnoreCase: ignoreCase, IgnoreAll: true}
		cols := []column{{name: "a", kind: kindOther}, {name: "b", kind: kindChar}, {name: key, kind: kindChar}}
		d := newDecoder(o, cols, func(RowError) error { return nil })
		if err := d.object("k", body); err != nil {
			t.Fatalf("object: %v", err)
		}
		for _, r := range d.rows {
			if len(r.fields) != len(cols) {
				t.Fatalf("row %v has %d fields", r, len(r.fields))
			}
		}
		if !utf8.ValidString(key) || !utf8.ValidString(value) || strings.IndexByte(value, 0) >= 0 ||
			strings.EqualFold(key, "a") || strings.EqualFold(key, "b") {
			return
		}
		doc, _ := json.Marshal(map[string]string{key: value})
		d = newDecoder(o, cols, func(e RowError) error { t.Fatalf("rejected %s: %v", doc, e); return nil })
		if err := d.object("k", doc); err != nil || len(d.rows) != 1 {
			t.Fatalf("%s: %v, %d rows", doc, err, len(d.rows))
		}
		if got := d.rows[0].fields[2]; got.null || got.v != value {
			t.Fatalf("%s: field %+v, want %q", doc, got, value)
		}
	})
}

// FuzzDelimitedRows checks the text and CSV readers: they never panic,
// and CSV fields quoted the way a CSV writer quotes them read back as
// written.
func FuzzDelimitedRows(f *testing.F) {
	f.Add([]byte("a|b\\|c\n\"x\",y\r\n"), true, "a,b", "c\"d")
	f.Add([]byte("\"unterminated\n1,2,3,4"), false, "", "\n")
	f.Fuzz(func(t *testing.T, body []byte, escape bool, f1, f2 string) {
		cols := textCols("x", "y")
		for _, o := range []Options{{Escape: escape, FillRecord: true, IgnoreAll: true}, {Format: FormatCSV, IgnoreAll: true}} {
			d := newDecoder(o, cols, func(RowError) error { return nil })
			if err := d.object("k", body); err != nil {
				t.Fatalf("object: %v", err)
			}
		}
		if !utf8.ValidString(f1) || !utf8.ValidString(f2) || strings.IndexByte(f1+f2, 0) >= 0 {
			return
		}
		q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
		d := newDecoder(Options{Format: FormatCSV}, cols, func(e RowError) error { t.Fatalf("rejected: %v", e); return nil })
		if err := d.object("k", []byte(q(f1)+","+q(f2)+"\n")); err != nil || len(d.rows) != 1 {
			t.Fatalf("%v, %d rows", err, len(d.rows))
		}
		if got := rowStrings(d.rows)[0]; got[0] != f1 || got[1] != f2 {
			t.Fatalf("read %q, want %q", got, []string{f1, f2})
		}
	})
}
