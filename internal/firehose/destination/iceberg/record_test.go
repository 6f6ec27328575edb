package iceberg

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"sluice/internal/firehose/convert"
)

func schemaOf(t testing.TB, cols ...string) *convert.Table {
	t.Helper()
	tbl := &convert.Table{Database: "db", Name: "t"}
	for i := 0; i < len(cols); i += 2 {
		tbl.Columns = append(tbl.Columns, convert.Column{Name: cols[i], Type: cols[i+1]})
	}
	return tbl
}

func TestRowCoercesValues(t *testing.T) {
	tests := []struct {
		typ, json string
		want      any
	}{
		{"boolean", `true`, true},
		{"int", `-7`, int32(-7)},
		{"int", `1e3`, int32(1000)},
		{"int", `10.0`, int32(10)},
		{"bigint", `9007199254740993`, int64(9007199254740993)},
		{"float", `1.5`, float32(1.5)},
		{"double", `0.1`, 0.1},
		{"decimal(5,2)", `12.345`, decimal128.FromI64(1235)},
		{"decimal(5,2)", `-12.345`, decimal128.FromI64(-1235)},
		{"decimal(5,2)", `"1.5"`, decimal128.FromI64(150)},
		{"decimal(5,2)", `1.5e2`, decimal128.FromI64(15000)},
		{"decimal(5,2)", `-0.005`, decimal128.FromI64(-1)},
		{"date", `"2024-02-29"`, int32(19782)},
		{"date", `-1`, int32(-1)},
		{"timestamp", `1518033528123456`, int64(1518033528123456)},
		{"string", `"Zoë"`, "Zoë"},
		{"binary", `"AAEC"`, []byte{0, 1, 2}},
		{"binary", `"AAE"`, []byte{0, 1}},
		{"binary", `"_-8"`, []byte{0xff, 0xef}},
		{"binary", `"AA\r\nEC"`, []byte{0, 1, 2}},
		{"binary", `"0g=="`, []byte{0xd2}},
		{"binary", `"abc"`, []byte{0x69, 0xb7}},
		{"binary", `"%%"`, nil}, // not Base64: fails
		{"array<int>", `[1,null,3]`, []any{int32(1), nil, int32(3)}},
		{"map<string,int>", `{"b":2,"a":1}`, []pair{{"a", int32(1)}, {"b", int32(2)}}},
		{"map<int,string>", `{"42":"x"}`, []pair{{int32(42), "x"}}},
		{"struct<a:int,b:string>", `{"b":"x","extra":1}`, []any{nil, "x"}},
		{"int", `null`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" "+tt.json, func(t *testing.T) {
			sc, err := Schema(*schemaOf(t, "c", tt.typ))
			if err != nil {
				t.Fatal(err)
			}
			got, err := row(sc, []byte(`{"c":`+tt.json+`}`))
			if tt.want == nil && tt.json != `null` {
				if err == nil {
					t.Fatalf("row = %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("value = %#v, want %#v", got[0], tt.want)
			}
		})
	}
}

func TestRowFailures(t *testing.T) {
	tests := []struct {
		cols []string
		rec  string
		code string
	}{
		{[]string{"a", "int"}, `not json`, CodeInvalidRecord},
		{[]string{"a", "int"}, `[1]`, CodeInvalidRecord},
		{[]string{"a", "int"}, `{"a":1}{"a":2}`, CodeInvalidRecord},
		{[]string{"a", "int"}, `{"A":1}`, CodeMissingColumn},
		{[]string{"a", "int", "b", "int"}, `{"a":1}`, CodeMissingColumn},
		{[]string{"a", "int"}, `{"a":"1"}`, CodeTypeMismatch},
		{[]string{"a", "int"}, `{"a":1.5}`, CodeTypeMismatch},
		{[]string{"a", "int"}, `{"a":2147483648}`, CodeTypeMismatch},
		{[]string{"a", "tinyint"}, `{"a":true}`, CodeTypeMismatch},
		{[]string{"a", "float"}, `{"a":1e39}`, CodeTypeMismatch},
		{[]string{"a", "decimal(3,1)"}, `{"a":100}`, CodeTypeMismatch},
		{[]string{"a", "decimal(3,1)"}, `{"a":"1/2"}`, CodeTypeMismatch},
		{[]string{"a", "decimal(3,1)"}, `{"a":"0x10"}`, CodeTypeMismatch},
		{[]string{"a", "decimal(3,1)"}, `{"a":1e999999999}`, CodeTypeMismatch},
		{[]string{"a", "bigint"}, `{"a":1e999999999}`, CodeTypeMismatch},
		{[]string{"a", "bigint"}, `{"a":1e-999999999}`, CodeTypeMismatch},
		{[]string{"a", "date"}, `{"a":"2024-02-30"}`, CodeTypeMismatch},
		{[]string{"a", "timestamp"}, `{"a":"2017-02-07T15:13:01Z"}`, CodeTypeMismatch},
		{[]string{"a", "string"}, `{"a":5}`, CodeTypeMismatch},
		{[]string{"a", "string"}, `{"a":{"x":1}}`, CodeTypeMismatch},
		{[]string{"a", "array<int>"}, `{"a":1}`, CodeTypeMismatch},
		{[]string{"a", "array<int>"}, `{"a":[1,"x"]}`, CodeTypeMismatch},
		{[]string{"a", "map<int,int>"}, `{"a":{"x":1}}`, CodeTypeMismatch},
		{[]string{"a", "map<int,int>"}, `{"a":{"0x10":1}}`, CodeTypeMismatch},
		{[]string{"a", "struct<b:int>"}, `{"a":{"b":"x"}}`, CodeTypeMismatch},
		{[]string{"a", "struct<b:int>"}, `{"a":[1]}`, CodeTypeMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.rec, func(t *testing.T) {
			sc, err := Schema(*schemaOf(t, tt.cols...))
			if err != nil {
				t.Fatal(err)
			}
			_, err = row(sc, []byte(tt.rec))
			re, ok := err.(*recordError)
			if !ok {
				t.Fatalf("err = %v, want a record error", err)
			}
			if re.code != tt.code || re.msg == "" {
				t.Errorf("code %q (%s), want %q", re.code, re.msg, tt.code)
			}
		})
	}
}

// FuzzRow: any record either fails with a record error or gives values
// that build an Arrow batch of one row.
func FuzzRow(f *testing.F) {
	cols := schemaOf(f, "i", "int", "l", "bigint", "d", "decimal(9,3)", "dt", "date", "ts", "timestamp",
		"s", "string", "b", "binary", "a", "array<double>", "m", "map<string,boolean>", "st", "struct<x:float,y:tinyint>")
	sc, err := Schema(*cols)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"i":1,"l":2,"d":"1.5","dt":"2020-01-01","ts":0,"s":"x","b":"AA==","a":[1.5],"m":{"k":true},"st":{"x":1}}`))
	f.Add([]byte(`{"i":null,"l":null,"d":null,"dt":null,"ts":null,"s":null,"b":null,"a":null,"m":null,"st":null}`))
	f.Add([]byte(`{"i":1e400}`))
	f.Fuzz(func(t *testing.T, rec []byte) {
		r, err := row(sc, rec)
		if err != nil {
			if _, ok := err.(*recordError); !ok {
				t.Fatalf("not a record error: %v", err)
			}
			return
		}
		if !json.Valid(rec) {
			t.Fatalf("accepted invalid JSON %q", rec)
		}
		b, err := batch(sc, [][]any{r})
		if err != nil {
			t.Fatal(err)
		}
		if b.NumRows() != 1 {
			t.Fatalf("%d rows", b.NumRows())
		}
		b.Release()
	})
}
