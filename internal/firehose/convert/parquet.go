package convert

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
)

// Failure is a record that could not be converted: its index in the input,
// AWS's error code and message.
type Failure struct {
	Index         int
	Code, Message string
}

// Error codes of the error records Firehose writes under the
// format-conversion-failed error output type. AWS does not list them in
// its guide; these are the codes real Firehose puts in lastErrorCode.
const (
	// CodeParseError: the record is not JSON.
	CodeParseError = "DataFormatConversion.ParseError"
	// CodeMalformedData: the record is JSON that does not match the schema
	// (or is not an object, or is empty).
	CodeMalformedData = "DataFormatConversion.MalformedData"
	// CodeEntityNotFound: the Glue table (here: the catalog's) is missing.
	CodeEntityNotFound = "DataFormatConversion.EntityNotFound"
)

// MessageEntityNotFound is Firehose's message for CodeEntityNotFound.
const MessageEntityNotFound = "The specified table/database could not be found. Please ensure that the table/database exists " +
	"and that the values provided in the schema configuration are correct, especially with regards to casing."

// schemaName is the name of the Parquet root, as Hive's writer names it.
const schemaName = "hive_schema"

// Converter converts records with one compiled Options; it can be reused
// and used from several goroutines.
type Converter struct {
	c      *compiled
	schema *parquet.Schema
}

// NewConverter validates o (as Validate does) and prepares its schema.
func NewConverter(o Options) (*Converter, error) {
	c, err := o.compile()
	if err != nil {
		return nil, err
	}
	fields := make([]parquet.Field, len(c.columns))
	for i, col := range c.columns {
		fields[i] = &groupField{Node: parquet.Optional(c.node(col.typ)), name: col.name}
	}
	return &Converter{c: c, schema: parquet.NewSchema(schemaName, &orderedGroup{fields: fields})}, nil
}

// Schema is the Parquet schema of the files the converter writes.
func (cv *Converter) Schema() *parquet.Schema { return cv.schema }

// ToParquet converts JSON records (one JSON object each) into one Parquet file.
//
// A record may hold several JSON objects one after the other ({"a":1}{"a":2});
// each is a row. A record that is not JSON, is empty, is a JSON array or
// primitive, or has a value its column cannot take fails as a whole and is
// returned in failed, in input order, with AWS's code and a message; its
// rows are not written. When no record converts, file is nil. err is for
// options that do not validate and for a failure of the Parquet writer.
func ToParquet(o Options, records [][]byte) (file []byte, failed []Failure, err error) {
	cv, err := NewConverter(o)
	if err != nil {
		return nil, nil, err
	}
	return cv.ToParquet(records)
}

// ToParquet is the package's ToParquet with the converter's options.
func (cv *Converter) ToParquet(records [][]byte) (file []byte, failed []Failure, err error) {
	c := cv.c
	rule := keyRule{lower: !c.hive && c.caseInsensitive, dots: c.dots}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, cv.writerOptions()...)
	rowGroupStart := int64(0)
	rows := 0
	sh := shredder{cols: make([][]parquet.Value, c.totalLeaves)}
	for i, rec := range records {
		objs, err := decodeRecord(rec, rule)
		if err != nil {
			failed = append(failed, failure(i, err))
			continue
		}
		var recRows [][]any
		for _, obj := range objs {
			r, err := c.row(obj)
			if err != nil {
				recRows = nil
				failed = append(failed, failure(i, err))
				break
			}
			recRows = append(recRows, r)
		}
		for _, r := range recRows {
			if _, err := w.WriteRows([]parquet.Row{sh.row(c, r)}); err != nil {
				return nil, failed, fmt.Errorf("parquet writer: %w", err)
			}
			rows++
			if w.Size()-rowGroupStart >= c.blockSize {
				if err := w.Flush(); err != nil {
					return nil, failed, fmt.Errorf("parquet writer: %w", err)
				}
				rowGroupStart = w.Size()
			}
		}
	}
	if rows == 0 {
		return nil, failed, nil
	}
	if err := w.Close(); err != nil {
		return nil, failed, fmt.Errorf("parquet writer: %w", err)
	}
	return buf.Bytes(), failed, nil
}

func failure(i int, err error) Failure {
	var se *syntaxError
	var mm *mismatch
	switch {
	case errors.As(err, &se):
		return Failure{Index: i, Code: CodeParseError, Message: "Encountered malformed JSON. " + se.Error()}
	case errors.Is(err, errEmpty):
		return Failure{Index: i, Code: CodeMalformedData, Message: "The record was empty or contained only whitespace."}
	case errors.Is(err, errPrimitive):
		return Failure{Index: i, Code: CodeMalformedData,
			Message: "The input JSON contained a primitive at the top level. The top level must be an object or array."}
	case errors.As(err, &mm):
		return Failure{Index: i, Code: CodeMalformedData, Message: "Data does not match the schema. " + mm.Error()}
	default:
		return Failure{Index: i, Code: CodeMalformedData, Message: "Data does not match the schema. " + err.Error()}
	}
}

func (cv *Converter) writerOptions() []parquet.WriterOption {
	c := cv.c
	var codec compress.Codec = &parquet.Snappy
	switch c.compression {
	case "GZIP":
		codec = &parquet.Gzip
	case "UNCOMPRESSED":
		codec = &parquet.Uncompressed
	}
	version := 1
	if c.writerV2 {
		version = 2
	}
	return []parquet.WriterOption{
		cv.schema,
		parquet.Compression(codec),
		parquet.PageBufferSize(int(c.pageSize)),
		parquet.DataPageVersion(version),
		parquet.CreatedBy("sluice", "", ""),
	}
}

// node is t's Parquet type, as Hive's Parquet writer (HiveSchemaConverter)
// lays it out: strings as UTF-8 byte arrays, tinyint and smallint as
// INT32 with INT(8) and INT(16), decimals as fixed-length byte arrays,
// dates as DATE, timestamps as INT96 (Hive's, and so Firehose's, timestamp
// encoding), binary as a plain byte array, and the standard three-level
// LIST and MAP groups. Struct members keep their declared order.
func (c *compiled) node(t *hiveType) parquet.Node {
	var n parquet.Node
	switch t.kind {
	case kString, kVarchar, kChar:
		n = parquet.String()
	case kBoolean:
		return parquet.Leaf(parquet.BooleanType) // dictionaries do not apply
	case kTinyint:
		n = parquet.Int(8)
	case kSmallint:
		n = parquet.Int(16)
	case kInt:
		n = parquet.Leaf(parquet.Int32Type)
	case kBigint:
		n = parquet.Leaf(parquet.Int64Type)
	case kFloat:
		n = parquet.Leaf(parquet.FloatType)
	case kDouble:
		n = parquet.Leaf(parquet.DoubleType)
	case kDecimal:
		n = parquet.Decimal(t.scale, t.precision, parquet.FixedLenByteArrayType(decimalByteLength(t.precision)))
	case kDate:
		n = parquet.Date()
	case kTimestamp:
		n = parquet.Leaf(parquet.Int96Type)
	case kBinary:
		n = parquet.Leaf(parquet.ByteArrayType)
	case kArray:
		return parquet.List(parquet.Optional(c.node(t.elem)))
	case kMap:
		return parquet.Map(c.node(t.key), parquet.Optional(c.node(t.val)))
	default:
		fields := make([]parquet.Field, len(t.fields))
		for i, f := range t.fields {
			fields[i] = &groupField{Node: parquet.Optional(c.node(f.typ)), name: f.name}
		}
		return &orderedGroup{fields: fields}
	}
	if c.dictionary {
		n = parquet.Encoded(n, &parquet.RLEDictionary)
	}
	return n
}

// shredder turns a row of coerced values into Parquet column values with
// their repetition and definition levels (Dremel's record shredding).
type shredder struct {
	cols [][]parquet.Value
}

func (s *shredder) row(c *compiled, vals []any) parquet.Row {
	for i := range s.cols {
		s.cols[i] = s.cols[i][:0]
	}
	for i, col := range c.columns {
		s.optional(col.typ, vals[i], c.columnLeaves[i], 0, 0, 0)
	}
	n := 0
	for _, col := range s.cols {
		n += len(col)
	}
	row := make(parquet.Row, 0, n)
	for _, col := range s.cols {
		row = append(row, col...)
	}
	return row
}

// optional writes v for an optional node of type t whose first leaf is
// column first; rep is the repetition level of this value, def the
// definition level of its parent, depth the number of repeated ancestors.
func (s *shredder) optional(t *hiveType, v any, first, rep, def, depth int) {
	if v == nil {
		s.nulls(t, first, rep, def)
		return
	}
	s.present(t, v, first, rep, def+1, depth)
}

// present writes a non-null v at definition level def.
func (s *shredder) present(t *hiveType, v any, first, rep, def, depth int) {
	switch t.kind {
	case kArray:
		elems := v.([]any)
		if len(elems) == 0 {
			s.nulls(t, first, rep, def)
			return
		}
		for i, e := range elems {
			r := rep
			if i > 0 {
				r = depth + 1
			}
			s.optional(t.elem, e, first, r, def+1, depth+1)
		}
	case kMap:
		entries := v.([]kv)
		if len(entries) == 0 {
			s.nulls(t, first, rep, def)
			return
		}
		for i, e := range entries {
			r := rep
			if i > 0 {
				r = depth + 1
			}
			s.present(t.key, e.key, first, r, def+1, depth+1) // keys are required
			s.optional(t.val, e.val, first+t.key.leaves, r, def+1, depth+1)
		}
	case kStruct:
		members := v.([]any)
		col := first
		for i, f := range t.fields {
			s.optional(f.typ, members[i], col, rep, def, depth)
			col += f.typ.leaves
		}
	default:
		s.cols[first] = append(s.cols[first], leafValue(t, v).Level(rep, def, first))
	}
}

func (s *shredder) nulls(t *hiveType, first, rep, def int) {
	for col := first; col < first+t.leaves; col++ {
		s.cols[col] = append(s.cols[col], parquet.NullValue().Level(rep, def, col))
	}
}

func leafValue(t *hiveType, v any) parquet.Value {
	switch x := v.(type) {
	case []byte:
		if t.kind == kDecimal {
			return parquet.FixedLenByteArrayValue(x)
		}
		return parquet.ByteArrayValue(x)
	case bool:
		return parquet.BooleanValue(x)
	case int32:
		return parquet.Int32Value(x)
	case int64:
		return parquet.Int64Value(x)
	case float32:
		return parquet.FloatValue(x)
	case float64:
		return parquet.DoubleValue(x)
	case deprecated.Int96:
		return parquet.Int96Value(x)
	}
	panic(fmt.Sprintf("convert: no Parquet value for %T in a %s column", v, t))
}

// orderedGroup is a Parquet group whose fields keep the order they were
// given in (parquet.Group sorts them by name), so a file's columns follow
// the table's.
type orderedGroup struct {
	fields []parquet.Field
}

func (g *orderedGroup) ID() int { return 0 }

func (g *orderedGroup) String() string {
	var b strings.Builder
	b.WriteString("group {")
	for i, f := range g.fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Name())
	}
	b.WriteString("}")
	return b.String()
}

func (g *orderedGroup) Type() parquet.Type                   { return parquet.Group{}.Type() }
func (g *orderedGroup) Optional() bool                       { return false }
func (g *orderedGroup) Repeated() bool                       { return false }
func (g *orderedGroup) Required() bool                       { return true }
func (g *orderedGroup) Leaf() bool                           { return false }
func (g *orderedGroup) Fields() []parquet.Field              { return g.fields }
func (g *orderedGroup) Encoding() encoding.Encoding          { return nil }
func (g *orderedGroup) Compression() compress.Codec          { return nil }
func (g *orderedGroup) GoType() reflect.Type                 { return reflect.TypeFor[map[string]any]() }
func (f *groupField) Value(base reflect.Value) reflect.Value { return fieldValue(base, f.name) }

type groupField struct {
	parquet.Node
	name string
}

func (f *groupField) Name() string { return f.name }

// fieldValue looks a field up in a map value, for parquet-go's reflection
// paths; Sluice writes rows and never goes through them.
func fieldValue(base reflect.Value, name string) reflect.Value {
	for base.Kind() == reflect.Interface || base.Kind() == reflect.Pointer {
		if base.IsNil() {
			return reflect.Value{}
		}
		base = base.Elem()
	}
	if base.Kind() != reflect.Map {
		return reflect.Value{}
	}
	return base.MapIndex(reflect.ValueOf(name))
}
