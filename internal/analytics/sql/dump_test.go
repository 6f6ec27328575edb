package sql

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// dump renders a syntax tree for golden files: one field per line,
// indented, zero-valued fields left out, names as NAME or "quoted", and
// each node's position as @line:column (when withPos).
func dump(n any, withPos bool) string {
	d := dumper{withPos: withPos}
	d.value(reflect.ValueOf(n), 0, "")
	return d.b.String()
}

// shape renders a tree without positions and without telling quoted names
// from unquoted ones: what a round trip through Format must keep.
func shape(n any) string {
	d := dumper{sameQuotes: true}
	d.value(reflect.ValueOf(n), 0, "")
	return d.b.String()
}

type dumper struct {
	b          strings.Builder
	withPos    bool
	sameQuotes bool
}

var (
	posType    = reflect.TypeOf(Pos{})
	identType  = reflect.TypeOf(Ident{})
	objectType = reflect.TypeOf(ObjectName{})
	typeType   = reflect.TypeOf(TypeName{})
	qualType   = reflect.TypeOf(IntervalQualifier{})
)

func (d *dumper) pos(v reflect.Value) string {
	if !d.withPos {
		return ""
	}
	p := v.Interface().(Pos)
	return fmt.Sprintf(" @%d:%d", p.Line, p.Column)
}

func (d *dumper) ident(id Ident) string {
	s := id.Name
	if id.Quoted || d.sameQuotes {
		s = strconv.Quote(id.Name)
	}
	if d.withPos {
		s += fmt.Sprintf("@%d:%d", id.Line, id.Column)
	}
	return s
}

// inline renders the small value types on one line, or returns false.
func (d *dumper) inline(v reflect.Value) (string, bool) {
	switch v.Type() {
	case identType:
		return d.ident(v.Interface().(Ident)), true
	case objectType:
		var parts []string
		for _, id := range v.Interface().(ObjectName).Parts {
			parts = append(parts, d.ident(id))
		}
		return strings.Join(parts, "."), true
	case typeType:
		t := v.Interface().(TypeName)
		return t.String() + d.pos(v.Field(0)), true
	case qualType:
		return v.Interface().(IntervalQualifier).String(), true
	}
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String()), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int:
		return strconv.Itoa(int(v.Int())), true
	}
	return "", false
}

func (d *dumper) line(depth int, s string) {
	d.b.WriteString(strings.Repeat("  ", depth))
	d.b.WriteString(s)
	d.b.WriteByte('\n')
}

// value renders v at depth; prefix ("- " for a list element) goes before
// its first line.
func (d *dumper) value(v reflect.Value, depth int, prefix string) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			d.line(depth, prefix+"nil")
			return
		}
		v = v.Elem()
	}
	if s, ok := d.inline(v); ok {
		d.line(depth, prefix+s)
		return
	}
	if v.Kind() == reflect.Slice {
		for i := range v.Len() {
			d.value(v.Index(i), depth, "- ")
		}
		return
	}
	if v.Kind() != reflect.Struct {
		d.line(depth, prefix+fmt.Sprint(v.Interface()))
		return
	}
	head := v.Type().Name()
	for i := range v.NumField() {
		if v.Type().Field(i).Type == posType {
			head += d.pos(v.Field(i))
		}
	}
	d.line(depth, prefix+head)
	if prefix != "" {
		depth++
	}
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if sf.Type == posType || f.IsZero() {
			continue
		}
		if f.Kind() == reflect.Slice && f.Len() == 0 {
			continue
		}
		inner := f
		for inner.Kind() == reflect.Pointer || inner.Kind() == reflect.Interface {
			inner = inner.Elem()
		}
		if s, ok := d.inline(inner); ok {
			d.line(depth+1, sf.Name+": "+s)
			continue
		}
		if inner.Kind() == reflect.Slice && inner.Type().Elem() == identType {
			var names []string
			for j := range inner.Len() {
				names = append(names, d.ident(inner.Index(j).Interface().(Ident)))
			}
			d.line(depth+1, sf.Name+": "+strings.Join(names, ", "))
			continue
		}
		if inner.Kind() == reflect.Slice && inner.Type().Elem().Kind() == reflect.Int {
			d.line(depth+1, sf.Name+": "+fmt.Sprint(inner.Interface()))
			continue
		}
		if inner.Kind() == reflect.Struct {
			d.value(f, depth+1, sf.Name+": ")
			continue
		}
		d.line(depth+1, sf.Name+":")
		d.value(f, depth+2, "")
	}
}
