package iceberg

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"sluice/internal/firehose/convert"
	"sluice/internal/objectstore"
)

var events = convert.Table{Database: "analytics", Name: "events", Columns: []convert.Column{
	{Name: "id", Type: "bigint"}, {Name: "name", Type: "string"}, {Name: "ok", Type: "boolean"},
	{Name: "ratio", Type: "double"}, {Name: "price", Type: "decimal(10,2)"}, {Name: "day", Type: "date"},
	{Name: "ts", Type: "timestamp"}, {Name: "raw", Type: "binary"}, {Name: "tags", Type: "array<string>"},
	{Name: "attrs", Type: "map<string,int>"}, {Name: "addr", Type: "struct<city:string,zip:int>"},
}}

var firstBatch = [][]byte{
	[]byte(`{"id":1,"name":"Zoë","ok":true,"ratio":0.25,"price":12.345,"day":"2024-02-29","ts":1486480381392000,` +
		`"raw":"AAEC","tags":["a",null,"b"],"attrs":{"clicks":3},"addr":{"city":"Paris","zip":75001}}`),
	[]byte(`{"id":"2","name":"x","ok":null,"ratio":null,"price":null,"day":null,"ts":null,"raw":null,"tags":null,"attrs":null,"addr":null}`),
	[]byte(`{"id":3,"name":null,"ok":false,"ratio":-1,"price":"0.5","day":0,"ts":0,"raw":null,"tags":[],"attrs":{},"addr":{"city":null}}`),
	[]byte(`{"id":4}`),
}

var secondBatch = [][]byte{
	[]byte(`{"id":5,"name":"second","ok":true,"ratio":1,"price":1,"day":"1999-12-31","ts":-1000,"raw":"aGk","tags":["z"],"attrs":{"a":1,"b":2},"addr":{"zip":1}}`),
}

// objectsIO reads a table's files from an objectstore.Dir, as any reader
// with access to the bucket would.
type objectsIO struct{ root string }

func (d objectsIO) path(name string) (string, error) {
	bucket, key, err := splitLocation(name)
	if err != nil {
		return "", err
	}
	return objectstore.Dir{Root: d.root}.Path(bucket, key)
}

func (d objectsIO) Open(name string) (icebergio.File, error) {
	p, err := d.path(name)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

func (d objectsIO) Remove(string) error { return errors.New("read only") }

func newWriter(t *testing.T) (*Writer, string) {
	t.Helper()
	dir := t.TempDir()
	objects := filepath.Join(dir, "objects")
	return &Writer{Store: objectstore.Dir{Root: objects}, Mirror: filepath.Join(dir, "mirror")}, objects
}

// readWithIcebergGo reads the table at its current version from the object
// store with iceberg-go's scanner, rows as JSON objects.
func readWithIcebergGo(t *testing.T, objects string, tbl Table) []map[string]any {
	t.Helper()
	ctx := context.Background()
	hint, err := os.ReadFile(filepath.Join(objects, tbl.Bucket, strings.TrimPrefix(tbl.Location(), "s3://"+tbl.Bucket+"/"), "metadata", "version-hint.text"))
	if err != nil {
		t.Fatal(err)
	}
	loc := tbl.Location() + "/metadata/v" + string(hint) + ".metadata.json"
	fsF := func(context.Context) (icebergio.IO, error) { return objectsIO{objects}, nil }
	it, err := table.NewFromLocation(ctx, table.Identifier{tbl.Columns.Database, tbl.Columns.Name}, loc, fsF, nil)
	if err != nil {
		t.Fatal(err)
	}
	scan := it.Scan()
	at, err := scan.ToArrowTable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer at.Release()
	tr := array.NewTableReader(at, 1024)
	defer tr.Release()
	var rows []map[string]any
	for tr.Next() {
		sa := array.RecordToStructArray(tr.RecordBatch())
		b, err := sa.MarshalJSON()
		sa.Release()
		if err != nil {
			t.Fatal(err)
		}
		var part []map[string]any
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, part...)
	}
	return rows
}

func TestAppendCreatesTableAndCommitsSnapshots(t *testing.T) {
	ctx := context.Background()
	w, objects := newWriter(t)
	tbl := Table{Bucket: "lake", Warehouse: "/warehouse/", Columns: events}
	if got, want := tbl.Location(), "s3://lake/warehouse/analytics/events"; got != want {
		t.Fatalf("location %q, want %q", got, want)
	}
	res, err := w.Append(ctx, tbl, firstBatch)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || len(res.Failed) != 2 {
		t.Fatalf("result %+v", res)
	}
	if f := res.Failed[0]; f.Index != 1 || f.Code != CodeTypeMismatch || !strings.Contains(f.Message, "id") {
		t.Errorf("failure %+v", f)
	}
	if f := res.Failed[1]; f.Index != 3 || f.Code != CodeMissingColumn || !strings.Contains(f.Message, "name, ok") {
		t.Errorf("failure %+v", f)
	}
	if res.Metadata != tbl.Location()+"/metadata/v2.metadata.json" || res.Snapshot == 0 {
		t.Errorf("result %+v", res)
	}
	first := res.Snapshot

	// A second Writer over the same mirror (a restart) continues the table.
	w2 := &Writer{Store: w.Store, Mirror: w.Mirror}
	res, err = w2.Append(ctx, tbl, secondBatch)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 1 || res.Metadata != tbl.Location()+"/metadata/v3.metadata.json" || res.Snapshot == first {
		t.Fatalf("result %+v", res)
	}

	// Nothing to append: no new version.
	res, err = w2.Append(ctx, tbl, [][]byte{[]byte(`{}`)})
	if err != nil || res.Rows != 0 || res.Metadata != "" || len(res.Failed) != 1 {
		t.Fatalf("result %+v, %v", res, err)
	}

	base := filepath.Join(objects, "lake", "warehouse", "analytics", "events")
	hint, err := os.ReadFile(filepath.Join(base, "metadata", "version-hint.text"))
	if err != nil || string(hint) != "3" {
		t.Fatalf("version-hint.text %q, %v", hint, err)
	}
	data, _ := filepath.Glob(filepath.Join(base, "data", "*.parquet"))
	lists, _ := filepath.Glob(filepath.Join(base, "metadata", "snap-*.avro"))
	if len(data) != 2 || len(lists) != 2 {
		t.Errorf("%d data files, %d manifest lists", len(data), len(lists))
	}

	rows := readWithIcebergGo(t, objects, tbl)
	sort.Slice(rows, func(i, j int) bool { return rows[i]["id"].(float64) < rows[j]["id"].(float64) })
	want := []map[string]any{
		{"id": 1.0, "name": "Zoë", "ok": true, "ratio": 0.25, "price": "12.35", "day": "2024-02-29",
			"ts": "2017-02-07T15:13:01.392", "raw": "AAEC", "tags": []any{"a", nil, "b"},
			"attrs": []any{map[string]any{"key": "clicks", "value": 3.0}}, "addr": map[string]any{"city": "Paris", "zip": 75001.0}},
		{"id": 3.0, "name": nil, "ok": false, "ratio": -1.0, "price": "0.5", "day": "1970-01-01", "ts": "1970-01-01T00:00:00",
			"raw": nil, "tags": []any{}, "attrs": []any{}, "addr": map[string]any{"city": nil, "zip": nil}},
		{"id": 5.0, "name": "second", "ok": true, "ratio": 1.0, "price": "1", "day": "1999-12-31",
			"ts": "1969-12-31T23:59:59.999", "raw": "aGk=", "tags": []any{"z"},
			"attrs": []any{map[string]any{"key": "a", "value": 1.0}, map[string]any{"key": "b", "value": 2.0}},
			"addr":  map[string]any{"city": nil, "zip": 1.0}},
	}
	if !reflect.DeepEqual(rows, want) {
		got, _ := json.Marshal(rows)
		exp, _ := json.Marshal(want)
		t.Errorf("iceberg-go read\n%s\nwant\n%s", got, exp)
	}
}

func TestAppendRefusesChangedColumns(t *testing.T) {
	ctx := context.Background()
	w, _ := newWriter(t)
	tbl := Table{Bucket: "lake", Columns: events}
	if _, err := w.Append(ctx, tbl, secondBatch); err != nil {
		t.Fatal(err)
	}
	changed := tbl
	changed.Columns.Columns = append([]convert.Column{}, events.Columns[:3]...)
	if _, err := w.Append(ctx, changed, [][]byte{[]byte(`{"id":1,"name":"a","ok":true}`)}); !errors.Is(err, ErrSchemaChanged) {
		t.Fatalf("err = %v, want ErrSchemaChanged", err)
	}
}

// flaky fails the Puts of keys that match, once each.
type flaky struct {
	objectstore.Store
	mu    sync.Mutex
	match *regexp.Regexp
	fails int
}

func (f *flaky) Put(ctx context.Context, o objectstore.Object) error {
	f.mu.Lock()
	fail := f.fails > 0 && f.match.MatchString(o.Key)
	if fail {
		f.fails--
	}
	f.mu.Unlock()
	if fail {
		return errors.New("injected put failure")
	}
	return f.Store.Put(ctx, o)
}

// TestAppendRetriedAfterFailedPutAddsRowsOnce: a batch whose commit failed
// part-way (any Put) and is appended again is in the table once.
func TestAppendRetriedAfterFailedPutAddsRowsOnce(t *testing.T) {
	for _, match := range []string{`/data/.*\.parquet$`, `/metadata/[^/]*-m\d+\.avro$`, `/metadata/snap-[^/]*\.avro$`,
		`/metadata/v2\.metadata\.json$`, `/metadata/version-hint\.text$`} {
		t.Run(match, func(t *testing.T) {
			ctx := context.Background()
			w, objects := newWriter(t)
			tbl := Table{Bucket: "lake", Columns: events}
			store := &flaky{Store: w.Store, match: regexp.MustCompile(match), fails: 1}
			w.Store = store
			if strings.Contains(match, "version-hint") {
				store.fails = 0 // let v1 be created first
				if _, err := w.Append(ctx, tbl, nil); err != nil {
					t.Fatal(err)
				}
				store.fails = 1
			}
			if _, err := w.Append(ctx, tbl, secondBatch); err == nil {
				t.Fatal("no error from the failed Put")
			}
			res, err := w.Append(ctx, tbl, secondBatch)
			if err != nil || res.Rows != 1 {
				t.Fatalf("retry: %+v, %v", res, err)
			}
			if rows := readWithIcebergGo(t, objects, tbl); len(rows) != 1 {
				t.Fatalf("%d rows after the retry, want 1", len(rows))
			}
		})
	}
}

func TestParseWarehouse(t *testing.T) {
	for _, tt := range []struct{ in, bucket, prefix string }{
		{"s3://b", "b", ""}, {"s3://b/", "b", ""}, {"s3://b/w/x/", "b", "w/x"},
	} {
		b, p, err := ParseWarehouse(tt.in)
		if err != nil || b != tt.bucket || p != tt.prefix {
			t.Errorf("%s: %q %q %v", tt.in, b, p, err)
		}
	}
	for _, bad := range []string{"", "b/w", "s3:///w", "https://b/w"} {
		if _, _, err := ParseWarehouse(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// repoRoot is the module root, found from this file's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
}

// TestIcebirdReadsTable: icebird, an Iceberg reader that shares no code
// with iceberg-go, opens the table from its version-hint.text and reads
// every snapshot's rows with the schema's types.
func TestIcebirdReadsTable(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: `make test-js` installs it and icebird (test/js/node_modules/icebird)")
	}
	modules := filepath.Join(repoRoot(t), "test", "js", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "icebird", "package.json")); err != nil {
		t.Fatal("test/js/node_modules/icebird is missing: `make test-js` installs it (npm ci --prefix test/js)")
	}
	ctx := context.Background()
	w, objects := newWriter(t)
	tbl := Table{Bucket: "lake", Warehouse: "warehouse", Columns: events}
	for _, b := range [][][]byte{firstBatch, secondBatch} {
		if _, err := w.Append(ctx, tbl, b); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(node, filepath.Join("testdata", "icebird.mjs"), modules, objects, tbl.Location())
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("icebird.mjs: %v", err)
	}
	var got struct {
		FormatVersion int
		Schema        struct{ Fields []map[string]any }
		Snapshots     int
		Rows          []map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("icebird.mjs printed %q: %v", out, err)
	}
	sort.Slice(got.Rows, func(i, j int) bool {
		id := func(r map[string]any) string { return r["id"].(map[string]any)["$bigint"].(string) }
		return id(got.Rows[i]) < id(got.Rows[j])
	})
	if got.FormatVersion != 2 || got.Snapshots != 2 {
		t.Errorf("format version %d, %d snapshots", got.FormatVersion, got.Snapshots)
	}
	types := map[string]any{}
	for _, f := range got.Schema.Fields {
		types[f["name"].(string)] = f["type"]
	}
	for name, want := range map[string]any{"id": "long", "name": "string", "ok": "boolean", "ratio": "double",
		"price": "decimal(10, 2)", "day": "date", "ts": "timestamp", "raw": "binary"} {
		if types[name] != want {
			t.Errorf("column %s: type %v, want %v", name, types[name], want)
		}
	}
	want := []map[string]any{
		{"id": map[string]any{"$bigint": "1"}, "name": "Zoë", "ok": true, "ratio": 0.25, "price": 12.35,
			"day": map[string]any{"$date": "2024-02-29T00:00:00.000Z"}, "ts": map[string]any{"$date": "2017-02-07T15:13:01.392Z"},
			"raw": "\x00\x01\x02", "tags": []any{"a", nil, "b"}, "attrs": map[string]any{"clicks": 3.0},
			"addr": map[string]any{"city": "Paris", "zip": 75001.0}},
		{"id": map[string]any{"$bigint": "3"}, "name": nil, "ok": false, "ratio": -1.0, "price": 0.5,
			"day": map[string]any{"$date": "1970-01-01T00:00:00.000Z"}, "ts": map[string]any{"$date": "1970-01-01T00:00:00.000Z"},
			"raw": nil, "tags": []any{}, "attrs": map[string]any{}, "addr": map[string]any{"city": nil, "zip": nil}},
		{"id": map[string]any{"$bigint": "5"}, "name": "second", "ok": true, "ratio": 1.0, "price": 1.0,
			"day": map[string]any{"$date": "1999-12-31T00:00:00.000Z"}, "ts": map[string]any{"$date": "1969-12-31T23:59:59.999Z"},
			"raw": "hi", "tags": []any{"z"}, "attrs": map[string]any{"a": 1.0, "b": 2.0},
			"addr": map[string]any{"city": nil, "zip": 1.0}},
	}
	// icebird (hyparquet's default) reads a BYTE_ARRAY column without a
	// STRING annotation as UTF-8 text, so binary values come back as text.
	if !reflect.DeepEqual(got.Rows, want) {
		g, _ := json.Marshal(got.Rows)
		e, _ := json.Marshal(want)
		t.Errorf("icebird read\n%s\nwant\n%s", g, e)
	}
}
