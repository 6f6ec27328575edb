package convert

import (
	"fmt"
	"strconv"
	"strings"
)

// kind is a Hive column type, as a Glue table's StorageDescriptor.Columns
// names it.
type kind uint8

const (
	kString kind = iota
	kVarchar
	kChar
	kBoolean
	kTinyint
	kSmallint
	kInt
	kBigint
	kFloat
	kDouble
	kDecimal
	kDate
	kTimestamp
	kBinary
	kArray
	kMap
	kStruct
)

// Limits Hive puts on its parameterised types.
const (
	maxVarcharLength = 65535
	maxCharLength    = 255
	maxDecimalDigits = 38
	// maxTypeDepth bounds how deeply types nest; real schemas stay far below
	// it and the parser's recursion stays shallow.
	maxTypeDepth = 64
	// maxTypeLength bounds the type string the parser reads.
	maxTypeLength = 1 << 17
)

// hiveType is a parsed Hive type.
type hiveType struct {
	kind      kind
	length    int // varchar(n), char(n)
	precision int // decimal(p,s)
	scale     int
	elem      *hiveType // array<elem>
	key, val  *hiveType // map<key,val>
	fields    []field   // struct<...>
	leaves    int       // Parquet leaf columns under this type
}

type field struct {
	name string
	typ  *hiveType
}

func (t *hiveType) primitive() bool { return t.kind < kArray }

// String is the type in Hive's own spelling.
func (t *hiveType) String() string {
	switch t.kind {
	case kString:
		return "string"
	case kVarchar:
		return "varchar(" + strconv.Itoa(t.length) + ")"
	case kChar:
		return "char(" + strconv.Itoa(t.length) + ")"
	case kBoolean:
		return "boolean"
	case kTinyint:
		return "tinyint"
	case kSmallint:
		return "smallint"
	case kInt:
		return "int"
	case kBigint:
		return "bigint"
	case kFloat:
		return "float"
	case kDouble:
		return "double"
	case kDecimal:
		return "decimal(" + strconv.Itoa(t.precision) + "," + strconv.Itoa(t.scale) + ")"
	case kDate:
		return "date"
	case kTimestamp:
		return "timestamp"
	case kBinary:
		return "binary"
	case kArray:
		return "array<" + t.elem.String() + ">"
	case kMap:
		return "map<" + t.key.String() + "," + t.val.String() + ">"
	default:
		var b strings.Builder
		b.WriteString("struct<")
		for i, f := range t.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(f.name)
			b.WriteByte(':')
			b.WriteString(f.typ.String())
		}
		b.WriteByte('>')
		return b.String()
	}
}

// parseHiveType parses a Hive column type: string, varchar(n), char(n),
// boolean, tinyint, smallint, int (or integer), bigint, float, double (or
// double precision), decimal or decimal(p) or decimal(p,s), date, timestamp,
// binary, array<T>, map<K,V> with a primitive K, and struct<name:T,...>.
// Keywords are case-insensitive and spaces may stand between tokens. Struct
// member names are kept as written; a back-quoted name may hold any
// character but a back quote (two back quotes are one). uniontype and every
// other type are refused with an error that names them.
func parseHiveType(s string) (*hiveType, error) {
	if len(s) > maxTypeLength {
		return nil, fmt.Errorf("column type is longer than %d characters", maxTypeLength)
	}
	p := typeParser{s: s}
	t, err := p.parse(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected %q after %s in column type %q", p.s[p.pos:], t, s)
	}
	return t, nil
}

type typeParser struct {
	s   string
	pos int
}

func (p *typeParser) space() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

func (p *typeParser) peek() byte {
	p.space()
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *typeParser) expect(c byte) error {
	if p.peek() != c {
		if p.pos >= len(p.s) {
			return fmt.Errorf("column type %q ends where %q was expected", p.s, string(c))
		}
		return fmt.Errorf("expected %q at offset %d of column type %q", string(c), p.pos, p.s)
	}
	p.pos++
	return nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func (p *typeParser) word() string {
	p.space()
	start := p.pos
	for p.pos < len(p.s) && isWordByte(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *typeParser) number() (int, error) {
	p.space()
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if start == p.pos || p.pos-start > 6 {
		return 0, fmt.Errorf("expected a number at offset %d of column type %q", start, p.s)
	}
	return strconv.Atoi(p.s[start:p.pos])
}

func (p *typeParser) parse(depth int) (*hiveType, error) {
	if depth > maxTypeDepth {
		return nil, fmt.Errorf("column type nests deeper than %d levels", maxTypeDepth)
	}
	w := p.word()
	if w == "" {
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("column type %q ends where a type was expected", p.s)
		}
		return nil, fmt.Errorf("expected a type name at offset %d of column type %q", p.pos, p.s)
	}
	t := &hiveType{leaves: 1}
	switch strings.ToLower(w) {
	case "string":
		t.kind = kString
	case "varchar", "char":
		t.kind = kVarchar
		limit := maxVarcharLength
		if strings.EqualFold(w, "char") {
			t.kind, limit = kChar, maxCharLength
		}
		if err := p.expect('('); err != nil {
			return nil, err
		}
		n, err := p.number()
		if err != nil {
			return nil, err
		}
		if n < 1 || n > limit {
			return nil, fmt.Errorf("%s length %d is outside 1..%d", strings.ToLower(w), n, limit)
		}
		t.length = n
		if err := p.expect(')'); err != nil {
			return nil, err
		}
	case "boolean":
		t.kind = kBoolean
	case "tinyint":
		t.kind = kTinyint
	case "smallint":
		t.kind = kSmallint
	case "int", "integer":
		t.kind = kInt
	case "bigint":
		t.kind = kBigint
	case "float":
		t.kind = kFloat
	case "double":
		t.kind = kDouble
		mark := p.pos
		if !strings.EqualFold(p.word(), "precision") {
			p.pos = mark
		}
	case "decimal":
		t.kind, t.precision, t.scale = kDecimal, 10, 0 // Hive's default
		if p.peek() == '(' {
			p.pos++
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			t.precision = n
			if p.peek() == ',' {
				p.pos++
				if t.scale, err = p.number(); err != nil {
					return nil, err
				}
			}
			if err := p.expect(')'); err != nil {
				return nil, err
			}
			if t.precision < 1 || t.precision > maxDecimalDigits {
				return nil, fmt.Errorf("decimal precision %d is outside 1..%d", t.precision, maxDecimalDigits)
			}
			if t.scale > t.precision {
				return nil, fmt.Errorf("decimal scale %d is greater than its precision %d", t.scale, t.precision)
			}
		}
	case "date":
		t.kind = kDate
	case "timestamp":
		t.kind = kTimestamp
	case "binary":
		t.kind = kBinary
	case "array":
		t.kind = kArray
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		e, err := p.parse(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		t.elem, t.leaves = e, e.leaves
	case "map":
		t.kind = kMap
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		k, err := p.parse(depth + 1)
		if err != nil {
			return nil, err
		}
		if !k.primitive() {
			return nil, fmt.Errorf("map key type %s is not a primitive type", k)
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
		v, err := p.parse(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		t.key, t.val, t.leaves = k, v, k.leaves+v.leaves
	case "struct":
		t.kind, t.leaves = kStruct, 0
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for {
			name, err := p.fieldName()
			if err != nil {
				return nil, err
			}
			if seen[strings.ToLower(name)] {
				return nil, fmt.Errorf("struct member %q is declared twice", name)
			}
			seen[strings.ToLower(name)] = true
			if err := p.expect(':'); err != nil {
				return nil, err
			}
			ft, err := p.parse(depth + 1)
			if err != nil {
				return nil, err
			}
			t.fields = append(t.fields, field{name: name, typ: ft})
			t.leaves += ft.leaves
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
	case "uniontype":
		return nil, fmt.Errorf("uniontype is not supported by record format conversion")
	default:
		return nil, fmt.Errorf("unknown column type %q", w)
	}
	return t, nil
}

// fieldName reads a struct member name: a run of letters, digits, '_',
// '$' and '.', or a back-quoted name.
func (p *typeParser) fieldName() (string, error) {
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '`' {
		var b strings.Builder
		for i := p.pos + 1; i < len(p.s); i++ {
			if p.s[i] != '`' {
				b.WriteByte(p.s[i])
				continue
			}
			if i+1 < len(p.s) && p.s[i+1] == '`' {
				b.WriteByte('`')
				i++
				continue
			}
			p.pos = i + 1
			if b.Len() == 0 {
				return "", fmt.Errorf("empty struct member name in column type %q", p.s)
			}
			return b.String(), nil
		}
		return "", fmt.Errorf("unterminated back quote in column type %q", p.s)
	}
	start := p.pos
	for p.pos < len(p.s) && (isWordByte(p.s[p.pos]) || p.s[p.pos] == '$' || p.s[p.pos] == '.') {
		p.pos++
	}
	if start == p.pos {
		return "", fmt.Errorf("expected a struct member name at offset %d of column type %q", start, p.s)
	}
	return p.s[start:p.pos], nil
}
