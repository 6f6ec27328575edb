package analytics

import (
	"reflect"
	"strings"
	"testing"
)

func TestNextID(t *testing.T) {
	for _, tc := range []struct {
		version int64
		taken   []string
		want    string
	}{
		{1, nil, "1.1"},
		{1, []string{"1.1", "1.2"}, "1.3"},
		{4, []string{"1.1", "2.1"}, "4.1"},
		{12, []string{"1.1", "12.1"}, "12.2"},
	} {
		if got := nextID(tc.version, tc.taken); got != tc.want {
			t.Errorf("nextID(%d, %v) = %s, want %s", tc.version, tc.taken, got, tc.want)
		}
	}
}

func TestStreamNames(t *testing.T) {
	in := Input{NamePrefix: "SOURCE_SQL_STREAM", Parallelism: 3}
	if got := in.StreamNames(); !reflect.DeepEqual(got, []string{"SOURCE_SQL_STREAM_001", "SOURCE_SQL_STREAM_002", "SOURCE_SQL_STREAM_003"}) {
		t.Fatal(got)
	}
	in.Parallelism = 0
	if got := in.StreamNames(); !reflect.DeepEqual(got, []string{"SOURCE_SQL_STREAM_001"}) {
		t.Fatal(got)
	}
}

func TestParseARN(t *testing.T) {
	region, account, name, ok := ParseARN("arn:aws:kinesisanalytics:eu-west-1:123456789012:application/my.app-1")
	if !ok || region != "eu-west-1" || account != "123456789012" || name != "my.app-1" {
		t.Fatal(region, account, name, ok)
	}
	for _, bad := range []string{"", "arn:aws:kinesis:us-east-1:1:stream/s", "arn:aws:kinesisanalytics:us-east-1:1:application/", "arn:aws:kinesisanalytics:us-east-1:1:application/a/b"} {
		if _, _, _, ok := ParseARN(bad); ok {
			t.Errorf("ParseARN(%q) ok", bad)
		}
	}
}

func TestValidateSchema(t *testing.T) {
	path := func(s string) *string { return &s }
	good := func() Schema {
		return Schema{
			Format: RecordFormat{Type: FormatJSON, JSON: &JSONMapping{RowPath: "$"}},
			Columns: []Column{
				{Name: "TICKER", SQLType: "VARCHAR(4)", Mapping: path("$.ticker")},
				{Name: "price", SQLType: "decimal(5, 2)", Mapping: path("MAPPING-2")},
			},
		}
	}
	s := good()
	if err := validateSchema(&s, "input schema"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mut  func(s *Schema)
		want string
	}{
		{func(s *Schema) { s.Columns = nil }, "must have at least one column"},
		{func(s *Schema) { s.Columns[1].Name = "TICKER" }, "appears twice"},
		{func(s *Schema) { s.Columns[1].Name = "ROWTIME" }, "is reserved"},
		{func(s *Schema) { s.Columns[1].Name = "a b" }, "is not valid"},
		{func(s *Schema) { s.Columns[1].SQLType = "VARCHAR" + strings.Repeat("R", 2) }, "Invalid SqlType"},
		{func(s *Schema) { s.Columns[1].SQLType = "INTERVAL DAY TO SECOND" }, "interval type"},
		{func(s *Schema) { s.Columns[1].Mapping = nil }, "has no Mapping"},
		{func(s *Schema) { s.Format.JSON.RowPath = "records" }, "must start with $"},
		{func(s *Schema) { s.Format.CSV = &CSVMapping{RowDelimiter: "\n", ColumnDelimiter: ","} }, "take JSONMappingParameters"},
		{func(s *Schema) { s.Encoding = "UTF-16" }, "must be UTF-8"},
	} {
		s := good()
		tc.mut(&s)
		err := validateSchema(&s, "input schema")
		if err == nil || !strings.Contains(err.Error(), tc.want) || KindOf(err) != KindInvalidArgument {
			t.Errorf("got %v, want InvalidArgument with %q", err, tc.want)
		}
	}
	// CSV columns map by position: no mapping needed.
	csv := Schema{Format: RecordFormat{Type: FormatCSV}, Columns: []Column{{Name: "A", SQLType: "INTEGER"}}}
	if err := validateSchema(&csv, "reference schema"); err != nil {
		t.Fatal(err)
	}
}

func TestSQLSchema(t *testing.T) {
	a := &Application{Code: "x"}
	if sqlSchema(a) != nil {
		t.Fatal("an application without inputs has a schema")
	}
	a.Inputs = []Input{{NamePrefix: "S", Parallelism: 2, Schema: Schema{Columns: []Column{{Name: "A"}, {Name: "b"}}}}}
	a.References = []Reference{{TableName: "T", Schema: Schema{Columns: []Column{{Name: "K"}}}}}
	s := sqlSchema(a)
	if !reflect.DeepEqual(s.Streams, map[string][]string{"S_001": {"A", "b"}, "S_002": {"A", "b"}}) || !reflect.DeepEqual(s.Tables, map[string][]string{"T": {"K"}}) {
		t.Fatalf("%+v", s)
	}
}
