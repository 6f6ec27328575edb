package convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

// readBack opens file with parquet-go and returns the file and its rows,
// normalised for comparison: pointers followed, INT96 as time.Time (UTC),
// decimals as their exact text, maps as map[string]any.
func readBack(t testing.TB, file []byte) (*parquet.File, []map[string]any) {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("parquet-go cannot open the file: %v", err)
	}
	r := parquet.NewReader(f)
	defer r.Close()
	var rows []map[string]any
	for {
		m := map[string]any{}
		if err := r.Read(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("parquet-go cannot read row %d: %v", len(rows), err)
		}
		rows = append(rows, normalize(m).(map[string]any))
	}
	return f, rows
}

func normalize(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case deprecated.Int96:
		nanos := uint64(x[1])<<32 | uint64(x[0])
		day := int64(x[2]) - julianEpochDay
		return time.Unix(day*86400, int64(nanos)).UTC()
	case *big.Float:
		return x.Text('f', -1)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return normalize(rv.Elem().Interface())
	case reflect.Map:
		out := map[string]any{}
		for _, k := range rv.MapKeys() {
			out[toJSONKey(k.Interface())] = normalize(rv.MapIndex(k).Interface())
		}
		return out
	case reflect.Struct:
		// parquet-go reads a LIST nested in a MAP value into an anonymous
		// struct{List []struct{Element T}}: turn it back into a list.
		out := map[string]any{}
		for i := 0; i < rv.NumField(); i++ {
			name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("parquet"), ",")
			if name == "" {
				name = rv.Type().Field(i).Name
			}
			out[name] = normalize(rv.Field(i).Interface())
		}
		if list, ok := out["list"].([]any); ok && len(out) == 1 {
			elems := make([]any, len(list))
			for i, e := range list {
				elems[i] = e.(map[string]any)["element"]
			}
			return elems
		}
		return out
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return string(rv.Bytes())
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	}
	return v
}

func toJSONKey(k any) string {
	if s, ok := k.(string); ok {
		return s
	}
	b, _ := json.Marshal(normalize(k))
	return string(b)
}

// leafSchema returns the schema text of the file, for type assertions.
func schemaText(f *parquet.File) string { return f.Schema().String() }

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC()
}

func table(cols ...string) Table {
	t := Table{Database: "db", Name: "t"}
	for i := 0; i+1 < len(cols); i += 2 {
		t.Columns = append(t.Columns, Column{Name: cols[i], Type: cols[i+1]})
	}
	return t
}

func recs(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// convert runs ToParquet and reads the result back; it fails the test on
// an error.
func convert(t testing.TB, o Options, records ...string) ([]map[string]any, []Failure, *parquet.File) {
	t.Helper()
	file, failed, err := ToParquet(o, recs(records...))
	if err != nil {
		t.Fatalf("ToParquet: %v", err)
	}
	if file == nil {
		return nil, failed, nil
	}
	f, rows := readBack(t, file)
	return rows, failed, f
}

// leafValues reads the non-null values of leaf column col, in Go types.
func leafValues(t testing.TB, f *parquet.File, col int) []any {
	t.Helper()
	var out []any
	for _, rg := range f.RowGroups() {
		pages := rg.ColumnChunks()[col].Pages()
		for {
			p, err := pages.ReadPage()
			if err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				t.Fatal(err)
			}
			vals := make([]parquet.Value, p.NumValues())
			n, _ := p.Values().ReadValues(vals)
			for _, v := range vals[:n] {
				if v.IsNull() {
					continue
				}
				switch v.Kind() {
				case parquet.Boolean:
					out = append(out, v.Boolean())
				case parquet.Int32:
					out = append(out, v.Int32())
				case parquet.Int64:
					out = append(out, v.Int64())
				default:
					out = append(out, string(v.ByteArray()))
				}
			}
		}
		pages.Close()
	}
	return out
}
