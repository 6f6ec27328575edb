package convert

import (
	"bytes"
	"testing"
)

// fuzzTable has a column of every kind, nested ones included.
var fuzzTable = table(
	"s", "string", "v", "varchar(4)", "c", "char(3)", "b", "boolean",
	"i8", "tinyint", "i16", "smallint", "i32", "int", "i64", "bigint",
	"f", "float", "d", "double", "dec", "decimal(9,3)", "big", "decimal(38,2)",
	"day", "date", "ts", "timestamp", "bin", "binary",
	"arr", "array<array<int>>", "m", "map<string,struct<x:int,y:array<string>>>",
	"mk", "map<bigint,timestamp>", "st", "struct<a:string,b:map<int,boolean>,c:array<decimal(5,1)>>",
	"a.b", "int",
)

func fuzzOptions(mode byte) Options {
	off := false
	switch mode % 4 {
	case 1:
		return Options{Table: fuzzTable, In: Deserializer{OpenX: &OpenX{
			CaseInsensitive:                    &off,
			ConvertDotsInJSONKeysToUnderscores: true,
			ColumnToJSONKeyMappings:            map[string]string{"ts": "timestamp", "s": "S"},
		}}, Out: Parquet{Compression: "GZIP", EnableDictionaryCompression: true, WriterVersion: "V2"}}
	case 2:
		t := fuzzTable
		t.Columns = t.Columns[:len(t.Columns)-1] // Hive refuses "a.b"
		return Options{Table: t, In: Deserializer{Hive: &Hive{TimestampFormats: []string{
			"millis", "yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "dd MMM yy h:mm a",
		}}}, Out: Parquet{Compression: "UNCOMPRESSED"}}
	case 3:
		return Options{Table: fuzzTable, Out: Parquet{EnableDictionaryCompression: true}}
	}
	return Options{Table: fuzzTable}
}

// FuzzToParquet: ToParquet never panics and never errs on valid options;
// failures name distinct records in input order; the file, when there is
// one, opens in parquet-go with one row per JSON object of the records
// that did not fail.
func FuzzToParquet(f *testing.F) {
	seeds := []string{
		`{"s":"x","i32":1,"arr":[[1,2],[]],"m":{"k":{"x":1,"y":["a"]}},"ts":"2017-02-07T15:13:01Z"}`,
		`{"S":1}{"b":"true","dec":"12.3456","big":-1e30,"day":"2020-1-2","bin":"AQID"}` + "\x1e" + `not json`,
		`{"mk":{"5":1518033528123},"st":{"a":"q","b":{"1":true},"c":[1.25,null]}}` + "\x1e" + `[1]` + "\x1e" + ``,
		`{"timestamp":"07 Feb 17 3:13 pm","a.b":7,"f":3.4e38,"d":-0.0,"i8":127,"i16":-32768,"i64":"9223372036854775807"}`,
		`{"c":"abcdef","v":{"nested":[1,{"Z":null}]},"st":[["x"]]}`,
	}
	for i, s := range seeds {
		f.Add(byte(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		o := fuzzOptions(mode)
		records := bytes.Split(data, []byte{0x1e})
		file, failed, err := ToParquet(o, records)
		if err != nil {
			t.Fatalf("ToParquet: %v", err)
		}
		bad := map[int]bool{}
		last := -1
		for _, fl := range failed {
			if fl.Index <= last || fl.Index >= len(records) || fl.Code == "" || fl.Message == "" {
				t.Fatalf("failure %+v after index %d of %d records", fl, last, len(records))
			}
			last = fl.Index
			bad[fl.Index] = true
		}
		c, _ := o.compile()
		want := 0
		for i, r := range records {
			if bad[i] {
				continue
			}
			objs, err := decodeRecord(r, keyRule{lower: !c.hive && c.caseInsensitive, dots: c.dots})
			if err != nil {
				t.Fatalf("record %d decodes with %v but did not fail", i, err)
			}
			want += len(objs)
		}
		if file == nil {
			if want != 0 {
				t.Fatalf("no file for %d rows", want)
			}
			return
		}
		_, rows := readBack(t, file)
		if len(rows) != want {
			t.Fatalf("%d rows read back, want %d", len(rows), want)
		}
	})
}
