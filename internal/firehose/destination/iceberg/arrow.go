package iceberg

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	iceberg "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// batch builds one Arrow record batch of rows (from row) in the table
// schema's Arrow form, the input iceberg-go's writer takes.
func batch(sc *iceberg.Schema, rows [][]any) (arrow.RecordBatch, error) {
	as, err := table.SchemaToArrowSchema(sc, nil, true, false)
	if err != nil {
		return nil, err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, as)
	defer b.Release()
	fields := sc.Fields()
	for _, r := range rows {
		for i, f := range fields {
			if err := appendValue(b.Field(i), f.Type, r[i]); err != nil {
				return nil, fmt.Errorf("column %s: %w", f.Name, err)
			}
		}
	}
	return b.NewRecordBatch(), nil
}

// appendValue appends one value produced by value to the builder of its
// type. A type mismatch here is a bug in value, reported as an error.
func appendValue(b array.Builder, t iceberg.Type, v any) (err error) {
	if v == nil {
		b.AppendNull()
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%T into %T for %s: %v", v, b, t, r)
		}
	}()
	switch t := t.(type) {
	case iceberg.BooleanType:
		b.(*array.BooleanBuilder).Append(v.(bool))
	case iceberg.Int32Type:
		b.(*array.Int32Builder).Append(v.(int32))
	case iceberg.Int64Type:
		b.(*array.Int64Builder).Append(v.(int64))
	case iceberg.Float32Type:
		b.(*array.Float32Builder).Append(v.(float32))
	case iceberg.Float64Type:
		b.(*array.Float64Builder).Append(v.(float64))
	case iceberg.DecimalType:
		b.(*array.Decimal128Builder).Append(v.(decimal128.Num))
	case iceberg.DateType:
		b.(*array.Date32Builder).Append(arrow.Date32(v.(int32)))
	case iceberg.TimestampType:
		b.(*array.TimestampBuilder).Append(arrow.Timestamp(v.(int64)))
	case iceberg.StringType:
		b.(*array.StringBuilder).Append(v.(string))
	case iceberg.BinaryType:
		b.(*array.BinaryBuilder).Append(v.([]byte))
	case *iceberg.ListType:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		for _, e := range v.([]any) {
			if err := appendValue(lb.ValueBuilder(), t.Element, e); err != nil {
				return err
			}
		}
	case *iceberg.MapType:
		mb := b.(*array.MapBuilder)
		mb.Append(true)
		for _, p := range v.([]pair) {
			if err := appendValue(mb.KeyBuilder(), t.KeyType, p.key); err != nil {
				return err
			}
			if err := appendValue(mb.ItemBuilder(), t.ValueType, p.val); err != nil {
				return err
			}
		}
	case *iceberg.StructType:
		sb := b.(*array.StructBuilder)
		sb.Append(true)
		members := v.([]any)
		for i, f := range t.FieldList {
			if err := appendValue(sb.FieldBuilder(i), f.Type, members[i]); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("no Arrow builder for %s", t)
	}
	return nil
}
