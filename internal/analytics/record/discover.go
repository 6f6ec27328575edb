package record

import (
	"errors"
	"math"
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

// Discovery is DiscoverInputSchema's answer for a set of sample records.
type Discovery struct {
	InputSchema InputSchema
	// ParsedInputRecords are the rows of the samples under InputSchema, a
	// list of column values each: the sample's text of the value, or nil
	// where it is NULL or does not convert to the column's type (a CSV
	// header's names under INTEGER columns).
	ParsedInputRecords [][]*string
	// RawInputRecords are the samples as they were.
	RawInputRecords []string
}

// ErrUnableToDetectSchema is Discover's error when the samples give nothing
// to infer from; the API answers UnableToDetectSchemaException.
var ErrUnableToDetectSchema = errors.New("unable to detect a schema from the sample records")

// Discover infers an InputSchema from sample records (DiscoverInputSchema's
// core). It is a pure function of the samples:
//
//   - JSON when every sample is one or more JSON objects or arrays, CSV
//     otherwise.
//   - JSON row path: $ for an object per record; $[0:] for records that are
//     arrays of objects; $.key[0:] when every record is an object whose only
//     member is an array of objects.
//   - JSON columns: every member of the rows, in the order first seen;
//     members of nested objects become columns named parent_child with the
//     mapping $.parent.child; an array is one VARCHAR column holding its
//     JSON text ($.tags[0:]). Names follow AWS's renaming rules (columnName).
//   - JSON types: integers the smallest of TINYINT, SMALLINT, INTEGER,
//     BIGINT that holds every sample (the guide expects TINYINT for heart
//     rates); any fraction REAL (the demo stream's CHANGE and PRICE are
//     REAL), DOUBLE past REAL's range; true/false BOOLEAN; strings in SQL's
//     timestamp form (2026-12-03 17:01:02[.123]) TIMESTAMP; other strings
//     (ISO 8601 with a T too, as the guide's EVENT_TIME example shows),
//     mixed types, objects and arrays VARCHAR.
//   - CSV: the row delimiter \r\n, \n or \r, whichever the samples use;
//     the column delimiter among , \t | ; that splits the lines into the
//     same number of fields; a first line of names over typed columns is a
//     header (its names kept, renamed as for JSON) and does not count for
//     the types; otherwise the columns are COL_0, COL_1, … CSV integers are
//     INTEGER (BIGINT past 32 bits, as the guide's example shows INTEGER for
//     a month), fractions DOUBLE.
//   - VARCHAR(n): n the next power of two at or above the longest sample
//     value, at least 4 (AWS sizes "AK" VARCHAR(4), "ShortTons"
//     VARCHAR(16)), at most 65534.
func Discover(samples [][]byte) (*Discovery, error) {
	d := &Discovery{RawInputRecords: make([]string, len(samples))}
	nonEmpty := 0
	allJSON := true
	for i, s := range samples {
		d.RawInputRecords[i] = string(s)
		t := strings.TrimSpace(string(s))
		if t == "" {
			continue
		}
		nonEmpty++
		if allJSON && !isJSONRecord(t) {
			allJSON = false
		}
	}
	if nonEmpty == 0 {
		return nil, ErrUnableToDetectSchema
	}
	var err error
	if allJSON {
		d.InputSchema, err = discoverJSON(samples)
	} else {
		d.InputSchema, err = discoverCSV(samples)
	}
	if err != nil {
		return nil, err
	}
	d.ParsedInputRecords = parseSamples(d.InputSchema, samples)
	return d, nil
}

// isJSONRecord reports a record of one or more JSON objects or arrays.
func isJSONRecord(s string) bool {
	for i := skipSpace(s, 0); i < len(s); i = skipSpace(s, i) {
		if s[i] != '{' && s[i] != '[' {
			return false
		}
		end, err := validateJSON(s, i, 0)
		if err != nil {
			return false
		}
		i = end
	}
	return true
}

// jsonKind is what a sample value was.
type jsonKind uint8

const (
	jsonNull jsonKind = 1 << iota
	jsonBool
	jsonInt
	jsonFrac
	jsonString
	jsonObject
	jsonArray
)

// columnStats collects what the samples say about one column.
type columnStats struct {
	path       []string // member names from the row
	kinds      jsonKind
	minInt     int64
	maxInt     int64
	bigInt     bool    // an integer beyond int64
	maxAbs     float64 // largest magnitude of a number
	maxLen     int     // longest text, in characters, of any value
	timestamps bool    // every string is a SQL timestamp
	strings    int
}

func (c *columnStats) sawText(s string) {
	if n := utf8.RuneCountInString(s); n > c.maxLen {
		c.maxLen = n
	}
}

// sqlType decides the column's type from its stats; integers use
// intKinds (JSON: from TINYINT; CSV: from INTEGER) and fractions frac.
func (c *columnStats) sqlType(intKinds []value.Kind, frac value.Kind) value.Type {
	k := c.kinds &^ jsonNull
	switch {
	case k == jsonBool:
		return value.Simple(value.KindBoolean)
	case k == jsonInt && !c.bigInt:
		for _, ik := range intKinds {
			if _, err := value.NewInt(ik, c.minInt); err != nil {
				continue
			}
			if _, err := value.NewInt(ik, c.maxInt); err == nil {
				return value.Simple(ik)
			}
		}
		return value.Simple(frac)
	case k&^(jsonInt|jsonFrac) == 0 && k != 0:
		if frac == value.KindReal && c.maxAbs > math.MaxFloat32 {
			return value.Simple(value.KindDouble)
		}
		return value.Simple(frac)
	case k == jsonString && c.timestamps:
		return value.Simple(value.KindTimestamp)
	}
	return value.Varchar(varcharSize(c.maxLen))
}

// varcharSize is AWS's VARCHAR length for values up to n characters.
func varcharSize(n int) int {
	size := 4
	for size < n && size < value.MaxStringLength {
		size *= 2
	}
	return min(size, value.MaxStringLength)
}

// isSQLTimestamp reports text in SQL's timestamp form with a space: what
// discovery types TIMESTAMP.
func isSQLTimestamp(s string) bool {
	if len(s) < len("2006-01-02 15:04") || s[4] != '-' || s[10] != ' ' {
		return false
	}
	_, err := value.ParseTimestamp(s)
	return err == nil && s == strings.TrimSpace(s)
}

// noteNumber records a number's text in c.
func (c *columnStats) noteNumber(text string) {
	c.sawText(text)
	v, err := value.ParseNumber(text)
	if err != nil {
		c.kinds |= jsonString
		return
	}
	if v.Kind() == value.KindBigInt {
		i := v.Int64()
		if c.kinds&jsonInt == 0 || i < c.minInt {
			c.minInt = i
		}
		if c.kinds&jsonInt == 0 || i > c.maxInt {
			c.maxInt = i
		}
		c.kinds |= jsonInt
	} else if !strings.ContainsAny(text, ".eE") {
		c.bigInt = true
		c.kinds |= jsonInt
	} else {
		c.kinds |= jsonFrac
	}
	if f := math.Abs(v.Float64()); f > c.maxAbs {
		c.maxAbs = f
	}
}

func (c *columnStats) noteString(s string) {
	c.sawText(s)
	if c.strings == 0 {
		c.timestamps = true
	}
	c.strings++
	c.timestamps = c.timestamps && isSQLTimestamp(s)
	c.kinds |= jsonString
}

// parseSamples parses the samples with the discovered schema, leniently:
// a value that does not convert is nil, as AWS shows a CSV header's names
// under INTEGER columns.
func parseSamples(s InputSchema, samples [][]byte) [][]*string {
	lenient := s
	lenient.RecordColumns = make([]RecordColumn, len(s.RecordColumns))
	copy(lenient.RecordColumns, s.RecordColumns)
	for i := range lenient.RecordColumns {
		lenient.RecordColumns[i].SqlType = "VARCHAR(65534)"
	}
	raw, err := NewParser(lenient)
	if err != nil {
		return nil
	}
	typed, err := s.Columns()
	if err != nil {
		return nil
	}
	var out [][]*string
	var rows []value.Value
	n := len(typed)
	for _, rec := range samples {
		rows, _ = raw.Parse(rows[:0], rec)
		for r := 0; r+n <= len(rows); r += n {
			row := make([]*string, n)
			for c := 0; c < n; c++ {
				v := rows[r+c]
				if v.IsNull() {
					continue
				}
				// The sample's own text, uncut, where it converts to the
				// column's type: AWS shows "producer_type" whole under a
				// VARCHAR(64) and nothing for "year" under INTEGER.
				tv, err := fromString(v.Str(), typed[c].Type)
				if err != nil || tv.IsNull() {
					continue
				}
				text := v.Str()
				row[c] = &text
			}
			out = append(out, row)
		}
	}
	return out
}
