package convert

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

func TestTypeMapping(t *testing.T) {
	cases := []struct {
		typ    string
		json   string // the value in {"c": ...}
		want   any    // read back by parquet-go, normalised
		schema string // the column's line in the file schema
	}{
		{"string", `"héllo"`, "héllo", "optional binary c (STRING);"},
		{"string", `12.50`, "12.50", "optional binary c (STRING);"},
		{"string", `true`, "true", "optional binary c (STRING);"},
		{"varchar(3)", `"abcdé"`, "abc", "optional binary c (STRING);"},
		{"varchar(4)", `"abcdé"`, "abcd", "optional binary c (STRING);"},
		{"char(5)", `"ab   "`, "ab", "optional binary c (STRING);"},
		{"boolean", `true`, true, "optional boolean c;"},
		{"boolean", `"FALSE"`, false, "optional boolean c;"},
		{"tinyint", `-128`, int32(-128), "optional int32 c (INT(8,true));"},
		{"smallint", `32767`, int32(32767), "optional int32 c (INT(16,true));"},
		{"int", `-2147483648`, int32(-2147483648), "optional int32 c (INT(32,true));"},
		{"integer", `7`, int32(7), "optional int32 c (INT(32,true));"},
		{"bigint", `9007199254740993`, int64(9007199254740993), "optional int64 c (INT(64,true));"},
		{"float", `1.25`, float32(1.25), "optional float c;"},
		{"double", `-2.5e3`, float64(-2500), "optional double c;"},
		{"double precision", `0.1`, 0.1, "optional double c;"},
		{"decimal(10,2)", `12.345`, "12.35", "optional fixed_len_byte_array(5) c (DECIMAL(10,2));"},
		{"decimal(10,2)", `-12.345`, "-12.35", "optional fixed_len_byte_array(5) c (DECIMAL(10,2));"},
		{"decimal(38,0)", `99999999999999999999999999999999999999`, "99999999999999999999999999999999999999",
			"optional fixed_len_byte_array(16) c (DECIMAL(38,0));"},
		{"decimal(5,2)", `1e2`, "100", "optional fixed_len_byte_array(3) c (DECIMAL(5,2));"},
		{"decimal(5,2)", `12345.6`, nil, "optional fixed_len_byte_array(3) c (DECIMAL(5,2));"}, // too many digits: null
		{"decimal", `42`, "42", "optional fixed_len_byte_array(5) c (DECIMAL(10,0));"},
		{"decimal(4,2)", `"0.005"`, "0.01", "optional fixed_len_byte_array(2) c (DECIMAL(4,2));"},
		{"decimal(4,2)", `-0.004`, "0", "optional fixed_len_byte_array(2) c (DECIMAL(4,2));"},
		{"decimal(4,2)", `-1.005e1`, "-10.05", "optional fixed_len_byte_array(2) c (DECIMAL(4,2));"},
		{"decimal(4,2)", `1e-1000000000000`, "0", "optional fixed_len_byte_array(2) c (DECIMAL(4,2));"},
		{"date", `"2020-2-9"`, int32(18301), "optional int32 c (DATE);"},
		{"timestamp", `"2017-02-07 15:13:01.123456789"`, mustTime(t, "2017-02-07T15:13:01.123456789Z"), "optional int96 c;"},
		{"timestamp", `1518033528`, mustTime(t, "2018-02-07T19:58:48Z"), "optional int96 c;"},
		{"binary", `"AAEC/w=="`, "\x00\x01\x02\xff", "optional binary c;"},
		{"array<int>", `[1,null,3]`, []any{int32(1), nil, int32(3)}, "optional group c (LIST) {"},
		{"array<array<string>>", `[["a","b"],[],null,["c"]]`, []any{[]any{"a", "b"}, []any{}, nil, []any{"c"}}, "optional group c (LIST) {"},
		{"map<string,double>", `{"x":1.5,"y":null}`, map[string]any{"x": 1.5, "y": nil}, "optional group c (MAP) {"},
		{"struct<a:int,b:struct<c:string>>", `{"a":1,"b":{"c":"x"}}`, map[string]any{"a": int32(1), "b": map[string]any{"c": "x"}}, "optional group c {"},
		{"struct<a:int,b:array<string>>", `{"b":["p","q"]}`, map[string]any{"a": nil, "b": []any{"p", "q"}}, "optional group c {"},
		{"array<struct<k:string,v:map<string,array<int>>>>", `[{"k":"a","v":{"m":[1,2]}},{"k":"b"}]`,
			[]any{map[string]any{"k": "a", "v": map[string]any{"m": []any{int32(1), int32(2)}}}, map[string]any{"k": "b", "v": nil}},
			"optional group c (LIST) {"},
		{"string", `null`, nil, "optional binary c (STRING);"},
	}
	for _, tc := range cases {
		t.Run(tc.typ+"="+tc.json, func(t *testing.T) {
			rows, failed, f := convert(t, Options{Table: table("c", tc.typ)}, `{"c":`+tc.json+`}`)
			if len(failed) != 0 {
				t.Fatalf("failed: %+v", failed)
			}
			if len(rows) != 1 {
				t.Fatalf("rows: %v", rows)
			}
			if got := rows[0]["c"]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("value: got %#v, want %#v", got, tc.want)
			}
			if s := schemaText(f); !strings.Contains(s, tc.schema) {
				t.Errorf("schema lacks %q:\n%s", tc.schema, s)
			}
		})
	}
}

// TestMapKeyTypes checks non-string map keys in the key column itself:
// parquet-go's reflection cannot read them into a map[string]any.
func TestMapKeyTypes(t *testing.T) {
	cases := []struct {
		typ, json string
		keys      []any
	}{
		{"map<int,string>", `{"1":"one"," 2 ":"two"}`, []any{int32(1), int32(2)}},
		{"map<bigint,string>", `{"-5":"x"}`, []any{int64(-5)}},
		{"map<boolean,string>", `{"TRUE":"x"}`, []any{true}},
		{"map<date,int>", `{"2020-01-01":1}`, []any{int32(18262)}},
		{"map<string,int>", `{"k":1,"k":2}`, []any{"k"}},
	}
	for _, tc := range cases {
		file, failed, err := ToParquet(Options{Table: table("m", tc.typ)}, recs(`{"m":`+tc.json+`}`))
		if err != nil || len(failed) != 0 {
			t.Fatalf("%s: %v %+v", tc.typ, err, failed)
		}
		f, err := parquet.OpenFile(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			t.Fatal(err)
		}
		if got := leafValues(t, f, 0); !reflect.DeepEqual(got, tc.keys) {
			t.Errorf("%s: keys %#v, want %#v", tc.typ, got, tc.keys)
		}
	}
}

func TestColumnOrderAndRoot(t *testing.T) {
	_, _, f := convert(t, Options{Table: table("zeta", "int", "alpha", "struct<z:int,a:int>", "mid", "string")}, `{"zeta":1}`)
	s := schemaText(f)
	if !strings.HasPrefix(s, "message hive_schema {") {
		t.Errorf("root: %s", s)
	}
	iz, ia, im := strings.Index(s, "zeta"), strings.Index(s, "alpha"), strings.Index(s, "mid")
	if !(iz < ia && ia < im) || strings.Index(s, " z;") > strings.Index(s, " a;") {
		t.Errorf("columns are not in table order:\n%s", s)
	}
}

func TestMultipleObjectsPerRecord(t *testing.T) {
	rows, failed, _ := convert(t, Options{Table: table("a", "int")},
		`{"a":1}{"a":2}`, "{\"a\":3}\n\n{\"a\":4}\n", `{"a":5}{"a":"x"}`, `{"a":6}`)
	if len(failed) != 1 || failed[0].Index != 2 {
		t.Fatalf("failed: %+v", failed)
	}
	var got []any
	for _, r := range rows {
		got = append(got, r["a"])
	}
	want := []any{int32(1), int32(2), int32(3), int32(4), int32(6)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v, want %v (a failing record contributes no row)", got, want)
	}
}

func TestFailures(t *testing.T) {
	hive := Deserializer{Hive: &Hive{}}
	cases := []struct {
		name    string
		in      Deserializer
		typ     string
		record  string
		code    string
		message string
	}{
		{"not json", Deserializer{}, "int", `{"c":`, CodeParseError, "Encountered malformed JSON."},
		{"garbage", Deserializer{}, "int", `hello`, CodeParseError, "Encountered malformed JSON."},
		{"trailing garbage", Deserializer{}, "int", `{"c":1} x`, CodeParseError, "Encountered malformed JSON."},
		{"empty", Deserializer{}, "int", "  \n", CodeMalformedData, "The record was empty or contained only whitespace."},
		{"primitive", Deserializer{}, "int", `42`, CodeMalformedData, "The input JSON contained a primitive at the top level."},
		{"array of objects", Deserializer{}, "int", `[{"c":1}]`, CodeMalformedData, "Data does not match the schema."},
		{"string in int", Deserializer{}, "int", `{"c":"abc"}`, CodeMalformedData, `Data does not match the schema. c: int cannot be the string "abc"`},
		{"out of range", Deserializer{}, "tinyint", `{"c":300}`, CodeMalformedData, "300 is out of range for tinyint"},
		{"fraction in int", Deserializer{}, "bigint", `{"c":1.5}`, CodeMalformedData, "bigint cannot be the number 1.5"},
		{"object in int", Deserializer{}, "int", `{"c":{}}`, CodeMalformedData, "int cannot be a JSON object"},
		{"bad boolean", Deserializer{}, "boolean", `{"c":"yes"}`, CodeMalformedData, "boolean cannot be"},
		{"bad date", Deserializer{}, "date", `{"c":"2020-02-30"}`, CodeMalformedData, "is not a date"},
		{"bad timestamp", Deserializer{}, "timestamp", `{"c":"yesterday"}`, CodeMalformedData, "is not a timestamp the OpenX JSON SerDe reads"},
		{"bad base64", Deserializer{}, "binary", `{"c":"@@"}`, CodeMalformedData, "is not base64"},
		{"nested bad", Deserializer{}, "struct<a:array<int>>", `{"c":{"a":[1,"x"]}}`, CodeMalformedData, "c.a[1]: int cannot be"},
		{"map not object", Deserializer{}, "map<string,int>", `{"c":[1]}`, CodeMalformedData, "map<string,int> cannot be a JSON array"},
		{"map key", Deserializer{}, "map<int,int>", `{"c":{"x":1}}`, CodeMalformedData, `map key "x" is not a number`},
		{"float overflow", Deserializer{}, "float", `{"c":1e39}`, CodeMalformedData, "out of range for float"},
		{"hive string number", hive, "int", `{"c":"12"}`, CodeMalformedData, "the Hive JSON SerDe takes numbers only as JSON numbers"},
		{"hive nested text", hive, "string", `{"c":{"inner":1}}`, CodeMalformedData, "does not turn nested JSON into text"},
		{"hive scalar array", hive, "array<int>", `{"c":1}`, CodeMalformedData, "array<int> cannot be the number 1"},
		{"hive struct from array", hive, "struct<a:int>", `{"c":[1]}`, CodeMalformedData, "struct cannot be a JSON array"},
		{"hive default timestamp", hive, "timestamp", `{"c":1518033528123}`, CodeMalformedData, "is not a timestamp the Hive JSON SerDe reads"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Table: table("c", tc.typ), In: tc.in}
			file, failed, err := ToParquet(o, recs(`{"c":null}`, tc.record))
			if err != nil {
				t.Fatal(err)
			}
			if file == nil {
				t.Fatal("the good record was not converted")
			}
			if len(failed) != 1 {
				t.Fatalf("failed = %+v, want one failure", failed)
			}
			f := failed[0]
			if f.Index != 1 || f.Code != tc.code || !strings.Contains(f.Message, tc.message) {
				t.Errorf("got %+v, want index 1, %s, message containing %q", f, tc.code, tc.message)
			}
		})
	}
}

func TestAllRecordsFailing(t *testing.T) {
	file, failed, err := ToParquet(Options{Table: table("c", "int")}, recs(`x`, `{"c":"y"}`))
	if err != nil || file != nil || len(failed) != 2 {
		t.Fatalf("file %v, failed %+v, err %v: want no file and two failures", file != nil, failed, err)
	}
	if file, failed, err := ToParquet(Options{Table: table("c", "int")}, nil); err != nil || file != nil || failed != nil {
		t.Fatalf("no records: file %v failed %v err %v", file != nil, failed, err)
	}
}

func TestOpenXCaseInsensitivity(t *testing.T) {
	off := false
	tbl := table("userid", "int", "info", "map<string,string>", "raw", "string", "s", "struct<innerkey:int>")
	rec := `{"UserId":7,"Info":{"MixedKey":"v"},"Raw":{"A":{"B":1}},"S":{"InnerKey":3}}`

	rows, failed, _ := convert(t, Options{Table: tbl}, rec)
	if len(failed) != 0 {
		t.Fatal(failed)
	}
	want := map[string]any{"userid": int32(7), "info": map[string]any{"mixedkey": "v"},
		"raw": `{"a":{"b":1}}`, "s": map[string]any{"innerkey": int32(3)}}
	if !reflect.DeepEqual(rows[0], want) {
		t.Errorf("CaseInsensitive default:\n got %v\nwant %v", rows[0], want)
	}

	rows, _, _ = convert(t, Options{Table: tbl, In: Deserializer{OpenX: &OpenX{CaseInsensitive: &off}}}, rec,
		`{"userid":8,"info":{"MixedKey":"v"},"raw":{"A":1},"s":{"innerkey":4}}`)
	want0 := map[string]any{"userid": nil, "info": nil, "raw": nil, "s": nil}
	want1 := map[string]any{"userid": int32(8), "info": map[string]any{"MixedKey": "v"}, "raw": `{"A":1}`,
		"s": map[string]any{"innerkey": int32(4)}}
	if !reflect.DeepEqual(rows[0], want0) || !reflect.DeepEqual(rows[1], want1) {
		t.Errorf("CaseInsensitive false:\n got %v\n     %v", rows[0], rows[1])
	}

	// The Hive SerDe matches names case-insensitively but keeps keys.
	tblHive := table("userid", "int", "info", "map<string,string>")
	rows, _, _ = convert(t, Options{Table: tblHive, In: Deserializer{Hive: &Hive{}}}, rec)
	if want := (map[string]any{"userid": int32(7), "info": map[string]any{"MixedKey": "v"}}); !reflect.DeepEqual(rows[0], want) {
		t.Errorf("Hive: got %v, want %v", rows[0], want)
	}
}

func TestOpenXKeyMappingsAndDots(t *testing.T) {
	tbl := table("ts", "bigint", "a_b", "int", "n", "struct<x_y:int>")
	in := Deserializer{OpenX: &OpenX{
		ColumnToJSONKeyMappings:            map[string]string{"ts": "timestamp"},
		ConvertDotsInJSONKeysToUnderscores: true,
	}}
	rows, failed, _ := convert(t, Options{Table: tbl, In: in}, `{"Timestamp":5,"ts":9,"a.b":2,"n":{"x.y":3}}`)
	if len(failed) != 0 {
		t.Fatal(failed)
	}
	want := map[string]any{"ts": int64(5), "a_b": int32(2), "n": map[string]any{"x_y": int32(3)}}
	if !reflect.DeepEqual(rows[0], want) {
		t.Errorf("got %v, want %v", rows[0], want)
	}
	// Without the dots option "a.b" fills nothing.
	rows, _, _ = convert(t, Options{Table: tbl}, `{"a.b":2}`)
	if rows[0]["a_b"] != nil {
		t.Errorf("a.b filled a_b without ConvertDotsInJsonKeysToUnderscores: %v", rows[0])
	}
}

func TestOpenXLenience(t *testing.T) {
	tbl := table("n", "int", "d", "double", "arr", "array<string>", "st", "struct<a:int,b:string>", "txt", "string")
	rows, failed, _ := convert(t, Options{Table: tbl}, `{"n":" 12 ","d":"2.5","arr":"solo","st":[1,"x","extra"],"txt":[1,{"K":"V"}]}`)
	if len(failed) != 0 {
		t.Fatal(failed)
	}
	want := map[string]any{"n": int32(12), "d": 2.5, "arr": []any{"solo"},
		"st": map[string]any{"a": int32(1), "b": "x"}, "txt": `[1,{"k":"V"}]`}
	if !reflect.DeepEqual(rows[0], want) {
		t.Errorf("got %v\nwant %v", rows[0], want)
	}
}

func TestOpenXTimestamps(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{`"2017-02-07T15:13:01.39256Z"`, "2017-02-07T15:13:01.39256Z"},
		{`"2017-02-07T15:13:01Z"`, "2017-02-07T15:13:01Z"},
		{`"2017-02-07T15:13:01.123456789Z"`, "2017-02-07T15:13:01.123456789Z"},
		{`"2017-02-07 15:13:01.14"`, "2017-02-07T15:13:01.14Z"},
		{`"2017-2-7 5:3:1"`, "2017-02-07T05:03:01Z"},
		{`1518033528`, "2018-02-07T19:58:48Z"},
		{`"1518033528"`, "2018-02-07T19:58:48Z"},
		{`1518033528123`, "2018-02-07T19:58:48.123Z"},
		{`1518033528.5`, "2018-02-07T19:58:48.5Z"},
		{`0`, "1970-01-01T00:00:00Z"},
		{`-1`, "1969-12-31T23:59:59Z"},
	}
	for _, tc := range cases {
		rows, failed, _ := convert(t, Options{Table: table("t", "timestamp")}, `{"t":`+tc.in+`}`)
		if len(failed) != 0 {
			t.Errorf("%s: %+v", tc.in, failed)
			continue
		}
		if got := rows[0]["t"]; got != mustTime(t, tc.want) {
			t.Errorf("%s: got %v, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{`"2017-02-07T15:13:01"`, `"2017-2-7T15:13:01Z"`, `"2017-02-07 25:00:00"`, `"Feb 7 2017"`, `true`, `"1e9"`} {
		if _, failed, _ := convert(t, Options{Table: table("t", "timestamp")}, `{"t":`+bad+`}`); len(failed) != 1 {
			t.Errorf("%s was read as an OpenX timestamp", bad)
		}
	}
}

func TestHiveTimestampFormats(t *testing.T) {
	formats := []string{"millis", "dd/MM/yyyy HH:mm:ss.SSS", "yyyyMMdd'T'HHmmssZ", "EEE, d MMM yyyy hh:mm a", "yyyy-MM-dd'T'HH:mm:ssZZ"}
	o := Options{Table: table("t", "timestamp"), In: Deserializer{Hive: &Hive{TimestampFormats: formats}}}
	cases := []struct{ in, want string }{
		{`1518033528123`, "2018-02-07T19:58:48.123Z"},
		{`"1518033528123"`, "2018-02-07T19:58:48.123Z"},
		{`"07/02/2017 15:13:01.392"`, "2017-02-07T15:13:01.392Z"},
		{`"7/2/2017 15:13:01.5"`, "2017-02-07T15:13:01.5Z"},
		{`"20170207T151301+0100"`, "2017-02-07T14:13:01Z"},
		{`"Tue, 7 Feb 2017 03:13 PM"`, "2017-02-07T15:13:00Z"},
		{`"tuesday, 7 february 2017 12:05 am"`, "2017-02-07T00:05:00Z"},
		{`"2017-02-07T15:13:01-05:30"`, "2017-02-07T20:43:01Z"},
		{`"2017-02-07T15:13:01Z"`, "2017-02-07T15:13:01Z"},
		{`"2017-02-07 15:13:01.123"`, "2017-02-07T15:13:01.123Z"}, // java.sql.Timestamp.valueOf fallback
	}
	for _, tc := range cases {
		rows, failed, _ := convert(t, o, `{"t":`+tc.in+`}`)
		if len(failed) != 0 {
			t.Errorf("%s: %+v", tc.in, failed)
			continue
		}
		if got := rows[0]["t"]; got != mustTime(t, tc.want) {
			t.Errorf("%s: got %v, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{`"32/01/2017 00:00:00.000"`, `"2017-02-07T15:13:01"`, `"1518033528.5"`} {
		if _, failed, _ := convert(t, o, `{"t":`+bad+`}`); len(failed) != 1 {
			t.Errorf("%s was read as a timestamp", bad)
		}
	}
}

func TestCompressionCodecs(t *testing.T) {
	cases := []struct {
		compression string
		want        format.CompressionCodec
	}{
		{"", format.Snappy},
		{"SNAPPY", format.Snappy},
		{"GZIP", format.Gzip},
		{"UNCOMPRESSED", format.Uncompressed},
	}
	for _, tc := range cases {
		o := Options{Table: table("s", "string", "n", "bigint"), Out: Parquet{Compression: tc.compression}}
		rows, _, f := convert(t, o, `{"s":"aaaaaaaaaaaaaaaaaaaaaaaaaaaa","n":1}`, `{"s":"aaaaaaaaaaaaaaaaaaaaaaaaaaaa","n":2}`)
		if len(rows) != 2 || rows[1]["n"] != int64(2) {
			t.Errorf("%q: rows %v", tc.compression, rows)
		}
		for _, rg := range f.Metadata().RowGroups {
			for _, cc := range rg.Columns {
				if cc.MetaData.Codec != tc.want {
					t.Errorf("%q: column %v codec %v, want %v", tc.compression, cc.MetaData.PathInSchema, cc.MetaData.Codec, tc.want)
				}
			}
		}
	}
}

func TestDictionaryAndWriterVersion(t *testing.T) {
	records := []string{`{"s":"x","n":1}`, `{"s":"x","n":1}`, `{"s":"y","n":2}`}
	for _, dict := range []bool{false, true} {
		for _, version := range []string{"V1", "V2"} {
			o := Options{Table: table("s", "string", "n", "int"), Out: Parquet{EnableDictionaryCompression: dict, WriterVersion: version}}
			rows, _, f := convert(t, o, records...)
			if len(rows) != 3 || rows[2]["s"] != "y" {
				t.Fatalf("dict %v %s: rows %v", dict, version, rows)
			}
			cc := f.Metadata().RowGroups[0].Columns[0].MetaData
			hasDict := cc.DictionaryPageOffset != 0
			for _, e := range cc.Encoding {
				if e == format.RLEDictionary {
					hasDict = true
				}
			}
			if hasDict != dict {
				t.Errorf("dict %v %s: encodings %v, dictionary page offset %d", dict, version, cc.Encoding, cc.DictionaryPageOffset)
			}
			wantPage := format.DataPage
			if version == "V2" {
				wantPage = format.DataPageV2
			}
			found := false
			for _, s := range cc.EncodingStats {
				if s.PageType == wantPage {
					found = true
				}
			}
			if !found {
				t.Errorf("dict %v %s: page types %+v, want %v", dict, version, cc.EncodingStats, wantPage)
			}
		}
	}
}

func TestBlockSizeStartsRowGroups(t *testing.T) {
	cv, err := NewConverter(Options{Table: table("s", "string")})
	if err != nil {
		t.Fatal(err)
	}
	cv.c.blockSize = 4 << 10 // a small block, so a row group fills up quickly
	var records [][]byte
	for i := 0; i < 2000; i++ {
		records = append(records, []byte(`{"s":"`+strings.Repeat("v", 64)+`"}`))
	}
	file, failed, err := cv.ToParquet(records)
	if err != nil || len(failed) != 0 {
		t.Fatal(err, failed)
	}
	f, rows := readBack(t, file)
	if len(rows) != 2000 {
		t.Fatalf("%d rows", len(rows))
	}
	if n := len(f.RowGroups()); n < 2 {
		t.Errorf("%d row groups with a 4 KiB block size", n)
	}
	one, _, _ := ToParquet(Options{Table: table("s", "string")}, records)
	f, _ = readBack(t, one)
	if n := len(f.RowGroups()); n != 1 {
		t.Errorf("%d row groups with the default block size", n)
	}
}

func TestValidate(t *testing.T) {
	good := table("a", "int")
	cases := []struct {
		name string
		o    Options
		want string // "" = valid
	}{
		{"ok", Options{Table: good}, ""},
		{"ok all", Options{Table: good, Out: Parquet{Compression: "GZIP", BlockSizeBytes: MinBlockSizeBytes, PageSizeBytes: MinPageSizeBytes,
			MaxPaddingBytes: 10, WriterVersion: "V2"}}, ""},
		{"no columns", Options{Table: Table{Database: "d", Name: "t"}}, "has no columns"},
		{"unknown type", Options{Table: table("a", "geometry")}, `unknown column type "geometry"`},
		{"uniontype", Options{Table: table("a", "uniontype<int,string>")}, "uniontype is not supported"},
		{"duplicate column", Options{Table: table("a", "int", "A", "string")}, `column "A" twice`},
		{"both deserializers", Options{Table: good, In: Deserializer{OpenX: &OpenX{}, Hive: &Hive{}}}, "not both"},
		{"hive dots", Options{Table: table("a.b", "int"), In: Deserializer{Hive: &Hive{}}}, "period"},
		{"openx dots ok", Options{Table: table("a.b", "int")}, ""},
		{"bad joda", Options{Table: good, In: Deserializer{Hive: &Hive{TimestampFormats: []string{"yyyy-MM-ddTHH"}}}}, "not a Joda-Time pattern letter"},
		{"zone name", Options{Table: good, In: Deserializer{Hive: &Hive{TimestampFormats: []string{"yyyy z"}}}}, "not supported"},
		{"blank format", Options{Table: good, In: Deserializer{Hive: &Hive{TimestampFormats: []string{" "}}}}, "not blank"},
		{"compression", Options{Table: good, Out: Parquet{Compression: "ZSTD"}}, "Compression"},
		{"block size", Options{Table: good, Out: Parquet{BlockSizeBytes: MinBlockSizeBytes - 1}}, "BlockSizeBytes"},
		{"page size", Options{Table: good, Out: Parquet{PageSizeBytes: 1024}}, "PageSizeBytes"},
		{"padding", Options{Table: good, Out: Parquet{MaxPaddingBytes: -1}}, "MaxPaddingBytes"},
		{"writer version", Options{Table: good, Out: Parquet{WriterVersion: "V3"}}, "WriterVersion"},
		{"empty mapping", Options{Table: good, In: Deserializer{OpenX: &OpenX{ColumnToJSONKeyMappings: map[string]string{"a": ""}}}}, "ColumnToJsonKeyMappings"},
	}
	for _, tc := range cases {
		err := tc.o.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
		if tc.want != "" {
			if _, _, err := ToParquet(tc.o, recs(`{"a":1}`)); err == nil {
				t.Errorf("%s: ToParquet accepted options Validate refuses", tc.name)
			}
		}
	}
}

func TestFileExtensionAndORC(t *testing.T) {
	if got := FileExtension("Parquet", ""); got != ".parquet" {
		t.Errorf("parquet: %q", got)
	}
	if got := FileExtension("ORC", ""); got != ".orc" {
		t.Errorf("orc: %q", got)
	}
	if got := FileExtension("Parquet", ".pq"); got != ".pq" {
		t.Errorf("custom: %q", got)
	}
	if err := ValidateORC(); err != ErrORCUnsupported || !strings.Contains(err.Error(), "use ParquetSerDe") {
		t.Errorf("ValidateORC: %v", err)
	}
}

func TestTimestampInt96Layout(t *testing.T) {
	// 2000-01-02T00:00:01.5Z: Julian day 2451546, 1.5e9 ns into the day.
	tm, ok := makeTS(time.Date(2000, 1, 2, 0, 0, 1, 0, time.UTC).Unix(), 500_000_000)
	if !ok {
		t.Fatal("out of range")
	}
	i := tm.int96()
	if i[2] != 2451546 || uint64(i[1])<<32|uint64(i[0]) != 1_500_000_000 {
		t.Errorf("int96 %v", i)
	}
	before, _ := makeTS(-1, 0)
	if i := before.int96(); i[2] != julianEpochDay-1 || uint64(i[1])<<32|uint64(i[0]) != 86399_000_000_000 {
		t.Errorf("1969-12-31T23:59:59: %v", i)
	}
}
