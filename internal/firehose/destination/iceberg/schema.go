package iceberg

import (
	"errors"
	"fmt"

	iceberg "github.com/apache/iceberg-go"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"sluice/internal/firehose/convert"
)

// Schema is the Iceberg schema of a Glue table's columns, every field
// optional, field IDs numbered as Iceberg numbers a new table (top-level
// columns first, then nested fields breadth-first).
//
// The Hive types are read by convert (the same parser and checks record
// format conversion uses), through the Parquet schema it derives from them,
// and mapped as Glue maps Hive types onto an Iceberg table's columns:
//
//	string, varchar(n), char(n)  string (Iceberg has no length-bound strings)
//	boolean                      boolean
//	tinyint, smallint, int       int
//	bigint                       long
//	float, double                float, double
//	decimal(p,s)                 decimal(p,s)
//	date                         date
//	timestamp                    timestamp (without zone, microseconds)
//	binary                       binary
//	array<T>, map<K,V>           list<T>, map<K,V>
//	struct<a:T,...>              struct<a:T,...>
func Schema(t convert.Table) (*iceberg.Schema, error) {
	cv, err := convert.NewConverter(convert.Options{Table: t})
	if err != nil {
		return nil, err
	}
	ids := &idSource{}
	root := cv.Schema().Fields()
	fields := make([]iceberg.NestedField, len(root))
	for i, f := range root {
		fields[i] = iceberg.NestedField{ID: ids.next(), Name: f.Name()}
	}
	// Types after every top-level ID is taken, as Iceberg numbers fields.
	for i, f := range root {
		typ, err := icebergType(f, ids)
		if err != nil {
			return nil, fmt.Errorf("table %s.%s: column %s: %w", t.Database, t.Name, f.Name(), err)
		}
		fields[i].Type = typ
	}
	return iceberg.NewSchema(0, fields...), nil
}

type idSource struct{ last int }

func (s *idSource) next() int { s.last++; return s.last }

var errUnmapped = errors.New("no Iceberg type for this column")

// icebergType maps one node of convert's Parquet schema.
func icebergType(n parquet.Node, ids *idSource) (iceberg.Type, error) {
	lt := n.Type().LogicalType()
	var logical format.LogicalTypeValue
	if lt != nil {
		logical = lt.Value
	}
	if !n.Leaf() {
		switch logical.(type) {
		case *format.ListType: // <list> repeated group list { <element> }
			elem := n.Fields()[0].Fields()[0]
			id := ids.next()
			et, err := icebergType(elem, ids)
			if err != nil {
				return nil, err
			}
			return &iceberg.ListType{ElementID: id, Element: et}, nil
		case *format.MapType: // <map> repeated group key_value { key, <value> }
			kv := n.Fields()[0].Fields()
			kid, vid := ids.next(), ids.next()
			kt, err := icebergType(kv[0], ids)
			if err != nil {
				return nil, err
			}
			vt, err := icebergType(kv[1], ids)
			if err != nil {
				return nil, err
			}
			return &iceberg.MapType{KeyID: kid, KeyType: kt, ValueID: vid, ValueType: vt}, nil
		}
		members := n.Fields()
		fields := make([]iceberg.NestedField, len(members))
		for i, m := range members {
			fields[i] = iceberg.NestedField{ID: ids.next(), Name: m.Name()}
		}
		for i, m := range members {
			t, err := icebergType(m, ids)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.Name(), err)
			}
			fields[i].Type = t
		}
		return &iceberg.StructType{FieldList: fields}, nil
	}
	switch n.Type().Kind() {
	case parquet.Boolean:
		return iceberg.PrimitiveTypes.Bool, nil
	case parquet.Int32:
		if _, ok := logical.(*format.DateType); ok {
			return iceberg.PrimitiveTypes.Date, nil
		}
		return iceberg.PrimitiveTypes.Int32, nil // int, and tinyint/smallint (INT(8), INT(16))
	case parquet.Int64:
		return iceberg.PrimitiveTypes.Int64, nil
	case parquet.Int96:
		return iceberg.PrimitiveTypes.Timestamp, nil
	case parquet.Float:
		return iceberg.PrimitiveTypes.Float32, nil
	case parquet.Double:
		return iceberg.PrimitiveTypes.Float64, nil
	case parquet.ByteArray:
		if _, ok := logical.(*format.StringType); ok {
			return iceberg.PrimitiveTypes.String, nil
		}
		return iceberg.PrimitiveTypes.Binary, nil
	case parquet.FixedLenByteArray:
		if d, ok := logical.(*format.DecimalType); ok {
			return iceberg.DecimalTypeOf(int(d.Precision), int(d.Scale)), nil
		}
	}
	return nil, errUnmapped
}
