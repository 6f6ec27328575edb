package shape

import (
	"fmt"
	"reflect"
	"strings"

	"sluice/internal/awsproto/awserr"
)

// Decode checks body (the decoded request, a map or nil for an empty object)
// against the structure shape s and, when it passes, fills dst, a pointer to
// the operation's input struct. Struct fields carry the members' wire names
// (a camelCase name capitalized: logGroupName fills LogGroupName);
// their types follow the member kinds:
//
//	String *string or string    Boolean *bool      Integer, Long *int64 or int64
//	Double *float64             Blob []byte        Timestamp *time.Time
//	List   []T                  Map map[string]T   Structure *T or T
//
// The error is an *awserr.Error: SerializationException for a type mismatch,
// ValidationException for broken constraints.
func Decode(s *Shape, body Value, dst any) error {
	if body == nil {
		body = map[string]any{}
	}
	canon, terr := convert(s, body)
	if terr != nil {
		return terr
	}
	m, _ := canon.(map[string]any)
	var vs violations
	checkStruct(&vs, s, m, "")
	if err := vs.err(); err != nil {
		return err
	}
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return awserr.Internal(fmt.Errorf("shape.Decode: dst is %T, want a pointer to a struct", dst))
	}
	if err := fill(s, m, rv.Elem()); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

func fill(s *Shape, m map[string]any, dst reflect.Value) error {
	for _, mem := range s.Members {
		v, ok := m[mem.Name]
		if !ok {
			continue
		}
		f := dst.FieldByName(mem.Name)
		if !f.IsValid() || !f.CanSet() {
			// A camelCase wire name (CloudWatch Logs' "logGroupName")
			// fills the exported field of the same name ("LogGroupName").
			f = dst.FieldByName(strings.ToUpper(mem.Name[:1]) + mem.Name[1:])
		}
		if !f.IsValid() {
			return fmt.Errorf("%s has no field %s", dst.Type(), mem.Name)
		}
		if err := set(mem.Shape, v, f); err != nil {
			return fmt.Errorf("%s.%s: %w", dst.Type(), mem.Name, err)
		}
	}
	return nil
}

func set(s *Shape, v any, f reflect.Value) error {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if err := set(s, v, p.Elem()); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	switch s.Kind {
	case String, Boolean, Integer, Long, Double, Timestamp:
		rv := reflect.ValueOf(v)
		if !rv.Type().ConvertibleTo(f.Type()) {
			return fmt.Errorf("cannot store %T in %s", v, f.Type())
		}
		f.Set(rv.Convert(f.Type()))
	case Blob:
		b, _ := v.([]byte)
		if b == nil {
			b = []byte{}
		}
		f.SetBytes(b)
	case List:
		items, _ := v.([]any)
		sl := reflect.MakeSlice(f.Type(), len(items), len(items))
		for i, it := range items {
			if it == nil {
				continue
			}
			if err := set(s.Elem, it, sl.Index(i)); err != nil {
				return err
			}
		}
		f.Set(sl)
	case Map:
		m, _ := v.(map[string]any)
		mv := reflect.MakeMapWithSize(f.Type(), len(m))
		for k, it := range m {
			ev := reflect.New(f.Type().Elem()).Elem()
			if it != nil {
				if err := set(s.Elem, it, ev); err != nil {
					return err
				}
			}
			mv.SetMapIndex(reflect.ValueOf(k), ev)
		}
		f.Set(mv)
	case Structure:
		m, _ := v.(map[string]any)
		return fill(s, m, f)
	}
	return nil
}
