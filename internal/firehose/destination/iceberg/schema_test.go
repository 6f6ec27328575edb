package iceberg

import (
	"strings"
	"testing"

	"sluice/internal/firehose/convert"
)

func TestSchemaMapsGlueTypes(t *testing.T) {
	tests := []struct{ hive, want string }{
		{"string", "string"},
		{"varchar(10)", "string"},
		{"char(3)", "string"},
		{"boolean", "boolean"},
		{"tinyint", "int"},
		{"smallint", "int"},
		{"int", "int"},
		{"bigint", "long"},
		{"float", "float"},
		{"double", "double"},
		{"decimal(10,2)", "decimal(10, 2)"},
		{"date", "date"},
		{"timestamp", "timestamp"},
		{"binary", "binary"},
		{"array<string>", "list<string>"},
		{"map<string,int>", "map<string, int>"},
		{"struct<a:int,b:array<double>>", "struct<2: a: optional int, 3: b: optional list<double>>"},
	}
	for _, tt := range tests {
		t.Run(tt.hive, func(t *testing.T) {
			sc, err := Schema(convert.Table{Database: "db", Name: "t", Columns: []convert.Column{{Name: "c", Type: tt.hive}}})
			if err != nil {
				t.Fatal(err)
			}
			f := sc.Fields()[0]
			if f.Required || f.Name != "c" || f.ID != 1 {
				t.Errorf("field = %+v", f)
			}
			if got := f.Type.String(); got != tt.want {
				t.Errorf("type = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSchemaRefusesWhatConvertRefuses(t *testing.T) {
	for _, cols := range [][]convert.Column{
		nil,
		{{Name: "u", Type: "uniontype<int,string>"}},
		{{Name: "a", Type: "int"}, {Name: "A", Type: "int"}},
		{{Name: "x", Type: "decimal(39,0)"}},
	} {
		if _, err := Schema(convert.Table{Database: "db", Name: "t", Columns: cols}); err == nil {
			t.Errorf("%v: no error", cols)
		}
	}
}

func TestSchemaNumbersTopLevelFieldsFirst(t *testing.T) {
	sc, err := Schema(convert.Table{Database: "db", Name: "t", Columns: []convert.Column{
		{Name: "s", Type: "struct<x:int,y:map<string,array<int>>>"}, {Name: "n", Type: "bigint"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := sc.String()
	for _, want := range []string{"1: s: optional struct<3: x: optional int, 4: y: optional map<string, list<int>>>", "2: n: optional long"} {
		if !strings.Contains(got, want) {
			t.Errorf("schema %s lacks %q", got, want)
		}
	}
}
