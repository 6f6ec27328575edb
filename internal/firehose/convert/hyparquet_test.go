package convert

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

// repoRoot is the module root, found from this file's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// hyparquet reads file with test/js/parquet.mjs (hyparquet, a JavaScript
// Parquet reader that shares no code with the writer) and returns its
// schema and rows.
func hyparquet(t *testing.T, file []byte) (schema []map[string]any, rows []map[string]any) {
	t.Helper()
	root := repoRoot(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: `make test-js` installs it and hyparquet (test/js/node_modules/hyparquet)")
	}
	if _, err := os.Stat(filepath.Join(root, "test", "js", "node_modules", "hyparquet", "package.json")); err != nil {
		t.Fatal("test/js/node_modules/hyparquet is missing: `make test-js` installs it (npm ci --prefix test/js)")
	}
	path := filepath.Join(t.TempDir(), "converted.parquet")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(root, "test", "js", "parquet.mjs"), path)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parquet.mjs: %v", err)
	}
	var got struct {
		Schema []map[string]any
		Rows   []map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("parquet.mjs printed %q: %v", out, err)
	}
	return got.Schema, got.Rows
}

// TestHyparquetReadsConvertedFile writes a file with every kind of column,
// with each compression codec and both page versions, and checks the rows and types an
// independent reader finds in it.
func TestHyparquetReadsConvertedFile(t *testing.T) {
	tbl := table(
		"id", "int", "name", "string", "tiny", "tinyint", "big", "bigint", "ok", "boolean",
		"ratio", "double", "f", "float", "price", "decimal(10,2)", "day", "date", "ts", "timestamp",
		"raw", "binary", "tags", "array<string>", "attrs", "map<string,int>", "ids", "map<int,string>",
		"addr", "struct<city:string,zip:int,geo:struct<lat:double,lon:double>>",
	)
	records := recs(
		`{"ID":1,"name":"Zoë","tiny":-7,"big":9007199254740993,"ok":true,"ratio":0.25,"f":1.5,"price":"12.345",`+
			`"day":"2024-02-29","ts":"2017-02-07T15:13:01.392Z","raw":"AAEC","tags":["a",null,"b"],`+
			`"attrs":{"Clicks":3},"ids":{"42":"answer"},"addr":{"city":"Paris","zip":75001,"geo":{"lat":48.85,"lon":2.35}}}`,
		`{"id":2,"ts":1518033528123,"tags":[],"attrs":{}}{"id":3,"name":"only name"}`,
		`{"id":"x"}`,
	)
	wantRows := []map[string]any{
		{
			"id": 1.0, "name": "Zoë", "tiny": -7.0, "big": map[string]any{"$bigint": "9007199254740993"}, "ok": true,
			"ratio": 0.25, "f": 1.5, "price": 12.35, "day": map[string]any{"$date": "2024-02-29T00:00:00.000Z"},
			"ts": map[string]any{"$date": "2017-02-07T15:13:01.392Z"}, "raw": map[string]any{"$bytes": "AAEC"},
			"tags": []any{"a", nil, "b"}, "attrs": map[string]any{"clicks": 3.0}, "ids": map[string]any{"42": "answer"},
			"addr": map[string]any{"city": "Paris", "zip": 75001.0, "geo": map[string]any{"lat": 48.85, "lon": 2.35}},
		},
		{
			"id": 2.0, "name": nil, "tiny": nil, "big": nil, "ok": nil, "ratio": nil, "f": nil, "price": nil, "day": nil,
			"ts": map[string]any{"$date": "2018-02-07T19:58:48.123Z"}, "raw": nil, "tags": []any{}, "attrs": map[string]any{},
		},
		{
			"id": 3.0, "name": "only name", "tiny": nil, "big": nil, "ok": nil, "ratio": nil, "f": nil, "price": nil, "day": nil,
			"ts": nil, "raw": nil,
		},
	}
	wantTypes := map[string][3]string{ // name: physical type, converted type, logical type
		"id":    {"INT32", "", "INTEGER"},
		"name":  {"BYTE_ARRAY", "UTF8", "STRING"},
		"tiny":  {"INT32", "INT_8", "INTEGER"},
		"big":   {"INT64", "", "INTEGER"},
		"ok":    {"BOOLEAN", "", ""},
		"ratio": {"DOUBLE", "", ""},
		"f":     {"FLOAT", "", ""},
		"price": {"FIXED_LEN_BYTE_ARRAY", "DECIMAL", "DECIMAL"},
		"day":   {"INT32", "DATE", "DATE"},
		"ts":    {"INT96", "", ""},
		"raw":   {"BYTE_ARRAY", "", ""},
		"tags":  {"", "LIST", "LIST"},
		"attrs": {"", "MAP", "MAP"},
		"addr":  {"", "", ""},
	}
	outs := []Parquet{
		{Compression: "SNAPPY"},
		{Compression: "GZIP", EnableDictionaryCompression: true},
		{Compression: "UNCOMPRESSED"},
		{WriterVersion: "V2", EnableDictionaryCompression: true},
	}
	for _, out := range outs {
		t.Run(fmt.Sprintf("%s-%s-dictionary=%v", out.Compression, out.WriterVersion, out.EnableDictionaryCompression), func(t *testing.T) {
			o := Options{Table: tbl, Out: out}
			file, failed, err := ToParquet(o, records)
			if err != nil {
				t.Fatal(err)
			}
			if len(failed) != 1 || failed[0].Index != 2 || failed[0].Code != CodeMalformedData {
				t.Fatalf("failed: %+v", failed)
			}
			schema, rows := hyparquet(t, file)
			if len(rows) != len(wantRows) {
				t.Fatalf("hyparquet read %d rows: %v", len(rows), rows)
			}
			for i := range rows {
				if !reflect.DeepEqual(rows[i], wantRows[i]) {
					t.Errorf("row %d:\n got %v\nwant %v", i, rows[i], wantRows[i])
				}
			}
			str := func(v any) string { s, _ := v.(string); return s }
			seen := map[string]bool{}
			for _, el := range schema {
				name := str(el["name"])
				want, ok := wantTypes[name]
				if !ok || seen[name] {
					continue // nested elements (list, element, key_value, ...) and the root
				}
				seen[name] = true
				logical := ""
				if l, ok := el["logical"].(map[string]any); ok {
					logical = str(l["type"])
				}
				got := [3]string{str(el["type"]), str(el["converted"]), logical}
				if got != want {
					t.Errorf("column %s: type %v, want %v", name, got, want)
				}
				if el["repetition"] != "OPTIONAL" {
					t.Errorf("column %s is %v, want OPTIONAL", name, el["repetition"])
				}
			}
			if len(seen) != len(wantTypes) {
				t.Errorf("hyparquet's schema lacks columns: saw %v", seen)
			}
		})
	}
}
