package convert

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// getTable is `aws glue get-table --database-name web --name clicks --query Table`
// as the CLI prints it (trimmed of nothing: every member is allowed).
const getTable = `{
    "Name": "clicks",
    "DatabaseName": "web",
    "Owner": "owner",
    "CreateTime": "2024-05-01T10:00:00+00:00",
    "UpdateTime": "2024-05-01T10:00:00+00:00",
    "LastAccessTime": "1970-01-01T00:00:00+00:00",
    "Retention": 0,
    "StorageDescriptor": {
        "Columns": [
            {"Name": "user_id", "Type": "bigint"},
            {"Name": "url", "Type": "string", "Comment": "the page"},
            {"Name": "ts", "Type": "timestamp"}
        ],
        "Location": "s3://bucket/clicks/",
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "Compressed": false,
        "NumberOfBuckets": -1,
        "SerdeInfo": {
            "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            "Parameters": {"serialization.format": "1"}
        },
        "BucketColumns": [],
        "SortColumns": [],
        "Parameters": {},
        "StoredAsSubDirectories": false
    },
    "PartitionKeys": [{"Name": "dt", "Type": "string"}],
    "TableType": "EXTERNAL_TABLE",
    "Parameters": {"classification": "parquet"},
    "CreatedBy": "arn:aws:iam::123456789012:user/me",
    "IsRegisteredWithLakeFormation": false,
    "CatalogId": "123456789012",
    "VersionId": "1"
}`

func TestParseCatalogShapes(t *testing.T) {
	want := Table{Database: "web", Name: "clicks", Columns: []Column{{"user_id", "bigint"}, {"url", "string"}, {"ts", "timestamp"}}}
	for name, data := range map[string]string{
		"array":      "[" + getTable + "]",
		"TableList":  `{"TableList": [` + getTable + `]}`,
		"GetTable":   `{"Table": ` + getTable + `}`,
		"bare Table": getTable,
		"whitespace": "\n  [" + getTable + "]\n",
	} {
		c, err := ParseCatalog([]byte(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, ok := c.Table("web", "clicks")
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v %v", name, got, ok)
		}
		if got, ok := c.Table("WEB", "Clicks"); !ok || got.Name != "clicks" {
			t.Errorf("%s: case-insensitive lookup failed", name)
		}
		if _, ok := c.Table("web", "other"); ok {
			t.Errorf("%s: found a table that is not there", name)
		}
		if tables := c.Tables(); len(tables) != 1 || !reflect.DeepEqual(tables[0], want) {
			t.Errorf("%s: Tables %+v", name, tables)
		}
	}
	var nilCatalog *Catalog
	if _, ok := nilCatalog.Table("a", "b"); ok {
		t.Error("nil catalog found a table")
	}
}

func TestParseCatalogErrors(t *testing.T) {
	cols := `"StorageDescriptor":{"Columns":[{"Name":"a","Type":"int"}]}`
	cases := []struct{ name, data, want string }{
		{"empty", "", "empty file"},
		{"not json", "tables:", "expected a JSON array"},
		{"bad json", "[{", "not a JSON array of Glue tables"},
		{"object without list", `{"Tables":[]}`, `or hold "TableList"`},
		{"both", `{"TableList":[],"Table":{}}`, "both"},
		{"no database", `[{"Name":"t",` + cols + `}]`, "table 0: DatabaseName is missing"},
		{"no name", `[{"DatabaseName":"d",` + cols + `}]`, "table 0 (database d): Name is missing"},
		{"no descriptor", `[{"DatabaseName":"d","Name":"t"}]`, "d.t: StorageDescriptor is missing"},
		{"no columns", `[{"DatabaseName":"d","Name":"t","StorageDescriptor":{"Columns":[]}}]`, "Columns is empty"},
		{"column without type", `[{"DatabaseName":"d","Name":"t","StorageDescriptor":{"Columns":[{"Name":"a"}]}}]`, "column a has no Type"},
		{"column without name", `[{"DatabaseName":"d","Name":"t","StorageDescriptor":{"Columns":[{"Type":"int"}]}}]`, "column 0 has no Name"},
		{"duplicate", `[{"DatabaseName":"d","Name":"t",` + cols + `},{"DatabaseName":"D","Name":"T",` + cols + `}]`, "D.T appears twice"},
		{"wrong member type", `[{"DatabaseName":1}]`, "not a JSON array of Glue tables"},
	}
	for _, tc := range cases {
		_, err := ParseCatalog([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadCatalog(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "glue.json")
	if err := os.WriteFile(good, []byte("["+getTable+"]"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCatalog(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Table("web", "clicks"); !ok {
		t.Error("table missing")
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"Name":"x"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCatalog(bad); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "DatabaseName is missing") {
		t.Errorf("bad file: %v", err)
	}
	missing := filepath.Join(dir, "none.json")
	if _, err := LoadCatalog(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
}

// TestCatalogTableConverts: a table pasted from Glue converts as is.
func TestCatalogTableConverts(t *testing.T) {
	c, err := ParseCatalog([]byte("[" + getTable + "]"))
	if err != nil {
		t.Fatal(err)
	}
	tbl, _ := c.Table("web", "clicks")
	rows, failed, _ := convert(t, Options{Table: tbl}, `{"user_id":1,"url":"/","ts":"2024-05-01 10:00:00","dt":"2024-05-01"}`)
	if len(failed) != 0 || len(rows) != 1 || len(rows[0]) != 3 {
		t.Fatalf("rows %v failed %v (the partition key dt is not a file column)", rows, failed)
	}
}

// FuzzParseCatalog: ParseCatalog never panics; what it accepts has tables
// with a database, a name and named, typed columns, each found by Table.
func FuzzParseCatalog(f *testing.F) {
	f.Add([]byte("[" + getTable + "]"))
	f.Add([]byte(`{"TableList":[` + getTable + `]}`))
	f.Add([]byte(`{"Table":` + getTable + `}`))
	f.Add([]byte(`[{"DatabaseName":"d","Name":"t","StorageDescriptor":{"Columns":[{"Name":"a","Type":"map<string,array<int>>"}]}}]`))
	f.Add([]byte(`[null, {}]`))
	f.Add([]byte(`{"TableList":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(data)
		if err != nil {
			return
		}
		for _, tbl := range c.Tables() {
			if tbl.Database == "" || tbl.Name == "" || len(tbl.Columns) == 0 {
				t.Fatalf("accepted an incomplete table %+v", tbl)
			}
			for _, col := range tbl.Columns {
				if strings.TrimSpace(col.Name) == "" || strings.TrimSpace(col.Type) == "" {
					t.Fatalf("accepted column %+v", col)
				}
			}
			got, ok := c.Table(tbl.Database, tbl.Name)
			if !ok || !reflect.DeepEqual(got, tbl) {
				t.Fatalf("Table(%q, %q) = %+v, %v", tbl.Database, tbl.Name, got, ok)
			}
			// Whatever the types say, validating them never panics.
			_ = Options{Table: tbl}.Validate()
		}
	})
}
