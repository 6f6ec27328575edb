// Package shape describes the input shapes of AWS operations (the Smithy
// model's types and constraints) and checks a decoded request body against
// them the way AWS's request layer (Coral) does:
//
//  1. Types first. A member of the wrong type stops everything with a
//     SerializationException whose text is Coral's ("class java.lang.String
//     can not be converted to an Integer", "Start of list found where not
//     expected", ...). Numbers are floored into integer members and clamped to
//     the Java type's range.
//  2. Then constraints. Every violation is listed, member by member in the
//     shape's order, at most ten, in one ValidationException:
//     "2 validation errors detected: Value null at 'streamName' failed to
//     satisfy constraint: Member must not be null; ...".
//
// The body arrives as a generic tree (see Value) produced by the JSON or CBOR
// decoder; Decode checks it and fills the operation's input struct.
package shape

import (
	"regexp"
)

// Kind is the Smithy type of a shape.
type Kind uint8

// The shape kinds used by the Kinesis family of APIs.
const (
	String Kind = iota + 1
	Boolean
	Integer
	Long
	Double
	Blob
	Timestamp
	List
	Map
	Structure
)

// javaName is how Coral names a kind in its type errors.
func (k Kind) javaName() string {
	switch k {
	case String:
		return "String"
	case Boolean:
		return "Boolean"
	case Integer:
		return "Integer"
	case Long:
		return "Long"
	case Double:
		return "Double"
	case Blob:
		return "Blob"
	case Timestamp:
		return "Timestamp"
	case List:
		return "List"
	case Map:
		return "Map"
	case Structure:
		return "Structure"
	}
	return "?"
}

// Shape is one model shape with its constraints.
type Shape struct {
	Kind Kind
	// Name is the model's name of a structure, printed by Coral when a
	// structure appears inside a validation message.
	Name string

	// Members of a structure, in the order AWS validates and reports them.
	Members []Member
	// Elem is the member shape of a list, or the value shape of a map.
	Elem *Shape
	// Key is the key shape of a map.
	Key *Shape

	// Length bounds (strings, blobs, lists, maps) or value bounds (numbers).
	Min, Max       int64
	HasMin, HasMax bool

	// Pattern is the model's regular expression, matched against the whole
	// value; PatternText is how AWS prints it.
	Pattern     *regexp.Regexp
	PatternText string

	// Enum is the set of allowed values, in the order AWS prints them.
	Enum []string
}

// Member is one member of a structure.
type Member struct {
	// Name is the wire name ("StreamName"); the Go field of the input struct
	// has the same name.
	Name     string
	Shape    *Shape
	Required bool
}

// Str returns a string shape.
func Str() *Shape { return &Shape{Kind: String} }

// Int returns an integer shape.
func Int() *Shape { return &Shape{Kind: Integer} }

// Lng returns a long shape.
func Lng() *Shape { return &Shape{Kind: Long} }

// Bool returns a boolean shape.
func Bool() *Shape { return &Shape{Kind: Boolean} }

// Bytes returns a blob shape.
func Bytes() *Shape { return &Shape{Kind: Blob} }

// Time returns a timestamp shape.
func Time() *Shape { return &Shape{Kind: Timestamp} }

// ListOf returns a list shape.
func ListOf(elem *Shape) *Shape { return &Shape{Kind: List, Elem: elem} }

// MapOf returns a map shape.
func MapOf(key, value *Shape) *Shape { return &Shape{Kind: Map, Key: key, Elem: value} }

// Struct returns a structure shape with the given members.
func Struct(members ...Member) *Shape { return &Shape{Kind: Structure, Members: members} }

// Named returns a copy of s carrying the model's shape name.
func (s *Shape) Named(name string) *Shape {
	c := *s
	c.Name = name
	return &c
}

// Opt is an optional member.
func Opt(name string, s *Shape) Member { return Member{Name: name, Shape: s} }

// Req is a required member.
func Req(name string, s *Shape) Member { return Member{Name: name, Shape: s, Required: true} }

// Len sets length bounds; a negative bound is left open.
func (s *Shape) Len(min, max int64) *Shape {
	c := *s
	if min >= 0 {
		c.Min, c.HasMin = min, true
	}
	if max >= 0 {
		c.Max, c.HasMax = max, true
	}
	return &c
}

// Range sets value bounds for a number; use Len's convention for open ends
// via the has flags: RangeMin and RangeMax set one side each.
func (s *Shape) Range(min, max int64) *Shape {
	c := *s
	c.Min, c.HasMin = min, true
	c.Max, c.HasMax = max, true
	return &c
}

// RangeMin sets only a lower value bound.
func (s *Shape) RangeMin(min int64) *Shape {
	c := *s
	c.Min, c.HasMin = min, true
	return &c
}

// Match sets the pattern. The model's patterns are anchored by AWS
// (the whole value must match) unless they carry their own anchors.
func (s *Shape) Match(pattern string) *Shape {
	c := *s
	c.PatternText = pattern
	c.Pattern = regexp.MustCompile(`^(?:` + pattern + `)$`)
	return &c
}

// OneOf sets the enum values.
func (s *Shape) OneOf(values ...string) *Shape {
	c := *s
	c.Enum = values
	return &c
}

// Accepts reports whether a string value meets the shape's pattern and
// length (in UTF-16 code units, as AWS counts), for fast decoders that
// check members without the generic validation.
func (s *Shape) Accepts(v string) bool {
	n := UTF16Len(v)
	return (s.Pattern == nil || s.Pattern.MatchString(v)) &&
		(!s.HasMin || n >= s.Min) && (!s.HasMax || n <= s.Max)
}
