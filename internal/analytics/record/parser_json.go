package record

import (
	"strings"

	"sluice/internal/analytics/value"
)

// jsonParser maps JSON records to rows. Mappings compile into a trie over
// member names and indexes, relative to a row, so one walk of a row visits
// only the members some column names and skips the rest.
type jsonParser struct {
	cols    []Column
	rowPath Path
	outer   *node // the mappings up to a flattened array (all of them when none flattens)
	inner   *node // the flattening mappings after the array, relative to an element
	from    int   // the first element of the flattened array
	flat    []int // the columns that flatten
	spans   []span
}

// node is a trie node: a JSON value reached by a path.
type node struct {
	members map[string]*node
	indexes map[int]*node
	cols    []int      // columns whose value is this value
	arrays  []arrayCol // columns that are this array's text, from an element on
	flatten bool       // the flattened array
}

type arrayCol struct{ col, from int }

// span is where a column's value is in the document: [start, end), with
// from > 0 for an array cut from an element on; end 0 is no value (NULL).
type span struct{ start, end, from int }

func (n *node) child(s Step) *node {
	switch s.Kind {
	case StepMember:
		if n.members == nil {
			n.members = map[string]*node{}
		}
		c := n.members[s.Name]
		if c == nil {
			c = &node{}
			n.members[s.Name] = c
		}
		return c
	default:
		if n.indexes == nil {
			n.indexes = map[int]*node{}
		}
		c := n.indexes[s.Index]
		if c == nil {
			c = &node{}
			n.indexes[s.Index] = c
		}
		return c
	}
}

// add puts column col at the end of steps; a last [n:] step makes the
// column the array's text.
func (n *node) add(steps []Step, col int) {
	for i, s := range steps {
		if s.Kind == StepElements && i == len(steps)-1 {
			n.arrays = append(n.arrays, arrayCol{col: col, from: s.Index})
			return
		}
		n = n.child(s)
	}
	n.cols = append(n.cols, col)
}

func newJSONParser(cols []Column, rcs []RecordColumn, rowPath string) (*jsonParser, error) {
	if rowPath == "" {
		return nil, &SchemaError{Message: "RecordRowPath is empty: use $ for a row per record"}
	}
	rp, err := ParsePath(rowPath)
	if err != nil {
		return nil, err
	}
	p := &jsonParser{cols: cols, rowPath: rp, outer: &node{}, spans: make([]span, len(cols))}
	var flatPrefix []Step
	for i, rc := range rcs {
		if rc.Mapping == "" {
			return nil, &SchemaError{Column: rc.Name, Message: "a JSON column needs a Mapping (a JSONPath such as $.price)"}
		}
		mp, err := ParsePath(rc.Mapping)
		if err != nil {
			return nil, &SchemaError{Column: rc.Name, Message: err.(*SchemaError).Message}
		}
		steps := relativeTo(mp.Steps, rp.Steps)
		k := Path{Steps: steps}.flattenAt()
		if k < 0 {
			p.outer.add(steps, i)
			continue
		}
		prefix := steps[:k]
		if p.inner == nil {
			p.inner, flatPrefix, p.from = &node{}, prefix, steps[k].Index
			n := p.outer
			for _, s := range prefix {
				n = n.child(s)
			}
			n.flatten = true
		} else if !sameSteps(prefix, flatPrefix) || steps[k].Index != p.from {
			return nil, &SchemaError{Column: rc.Name, Message: "only one array can be flattened in a schema; " +
				rc.Mapping + " flattens a different one"}
		}
		p.inner.add(steps[k+1:], i)
		p.flat = append(p.flat, i)
	}
	return p, nil
}

// relativeTo strips the row path from a mapping that repeats it
// ($.records[0:].price under the row path $.records[0:] is $.price), so both
// ways of writing a mapping under a row path work.
func relativeTo(steps, row []Step) []Step {
	if len(row) == 0 || len(steps) < len(row) || !sameSteps(steps[:len(row)], row) {
		return steps
	}
	return steps[len(row):]
}

func sameSteps(a, b []Step) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (p *jsonParser) parse(dst []value.Value, record []byte) ([]value.Value, []*RowError) {
	doc := string(record) // one copy; the values are substrings of it
	var errs []*RowError
	i := skipSpace(doc, 0)
	if i == len(doc) {
		return dst, append(errs, rowError(ErrorParse, doc, -1, "the record is empty, not JSON"))
	}
	// A record may hold several JSON documents one after the other
	// (newline-delimited JSON): each is parsed in turn.
	for i < len(doc) {
		end, jerr := validateJSON(doc, i, 0)
		if jerr != nil {
			return dst, append(errs, rowError(ErrorParse, doc[i:], -1, "the record is not valid JSON: %s", jerr.Error()))
		}
		before := len(dst)
		matched := false
		dst, errs = p.rows(dst, errs, doc, i, p.rowPath.Steps, &matched)
		if !matched && len(dst) == before {
			errs = append(errs, rowError(ErrorSchemaMismatch, doc[i:end], -1,
				"the record has nothing at RecordRowPath %s", p.rowPath.String()))
		}
		i = skipSpace(doc, end)
	}
	return dst, errs
}

// rows follows the row path from the value at i and makes the rows of the
// values it reaches.
func (p *jsonParser) rows(dst []value.Value, errs []*RowError, doc string, i int, steps []Step, matched *bool) ([]value.Value, []*RowError) {
	for k, s := range steps {
		switch s.Kind {
		case StepMember:
			if doc[i] != '{' {
				return dst, errs
			}
			j, ok := findMember(doc, i, s.Name)
			if !ok {
				return dst, errs
			}
			i = j
		case StepIndex, StepElements:
			if doc[i] != '[' {
				return dst, errs
			}
			if s.Kind == StepIndex {
				j, ok := findElement(doc, i, s.Index)
				if !ok {
					return dst, errs
				}
				i = j
				continue
			}
			*matched = true
			rest := steps[k+1:]
			n := 0
			forEachElement(doc, i, func(j int) {
				if n >= s.Index {
					dst, errs = p.rows(dst, errs, doc, j, rest, matched)
				}
				n++
			})
			return dst, errs
		}
	}
	*matched = true
	return p.row(dst, errs, doc, i)
}

// row makes the rows of one row value at i: one, or one per element of the
// flattened array (at least one).
func (p *jsonParser) row(dst []value.Value, errs []*RowError, doc string, i int) ([]value.Value, []*RowError) {
	for c := range p.spans {
		p.spans[c] = span{}
	}
	var arr span
	end := p.walk(doc, i, p.outer, &arr)
	data := doc[i:end]
	if e := checkRowSize(data); e != nil {
		return dst, append(errs, e)
	}
	if p.inner == nil {
		return p.emit(dst, errs, doc, data)
	}
	emitted := false
	if arr.end > 0 && doc[arr.start] == '[' {
		n := 0
		forEachElement(doc, arr.start, func(j int) {
			if n >= p.from {
				for _, c := range p.flat {
					p.spans[c] = span{}
				}
				p.walk(doc, j, p.inner, nil)
				dst, errs = p.emit(dst, errs, doc, data)
				emitted = true
			}
			n++
		})
	}
	if !emitted {
		// An empty or missing array still gives one row, its columns NULL.
		for _, c := range p.flat {
			p.spans[c] = span{}
		}
		dst, errs = p.emit(dst, errs, doc, data)
	}
	return dst, errs
}

// walk visits the value at i with trie node n, recording the spans of the
// columns it reaches, and returns the value's end.
func (p *jsonParser) walk(doc string, i int, n *node, arr *span) int {
	var end int
	switch c := doc[i]; {
	case c == '{' && n.members != nil:
		end = p.walkObject(doc, i, n, arr)
	case c == '[' && n.indexes != nil:
		end = p.walkArray(doc, i, n, arr)
	default:
		end = skipValue(doc, i)
	}
	for _, c := range n.cols {
		p.spans[c] = span{start: i, end: end}
	}
	if doc[i] == '[' {
		for _, a := range n.arrays {
			p.spans[a.col] = span{start: i, end: end, from: a.from}
		}
		if n.flatten && arr != nil {
			*arr = span{start: i, end: end}
		}
	}
	return end
}

func (p *jsonParser) walkObject(doc string, i int, n *node, arr *span) int {
	i = skipSpace(doc, i+1)
	for i < len(doc) && doc[i] == '"' {
		kend := skipString(doc, i)
		key := doc[i+1 : kend-1]
		if strings.IndexByte(key, '\\') >= 0 {
			key = stringContent(doc, i, kend)
		}
		j := skipSpace(doc, kend)
		j = skipSpace(doc, j+1) // past ':'
		if child := n.members[key]; child != nil {
			i = p.walk(doc, j, child, arr)
		} else {
			i = skipValue(doc, j)
		}
		i = skipSpace(doc, i)
		if i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return min(i+1, len(doc)) // past '}'
}

func (p *jsonParser) walkArray(doc string, i int, n *node, arr *span) int {
	i = skipSpace(doc, i+1)
	for k := 0; i < len(doc) && doc[i] != ']'; k++ {
		var next int
		if child := n.indexes[k]; child != nil {
			next = p.walk(doc, i, child, arr)
		} else {
			next = skipValue(doc, i)
		}
		if next <= i {
			break // not a valid array: the record was validated, so never
		}
		i = skipSpace(doc, next)
		if i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return min(i+1, len(doc))
}

// emit converts the spans to a row; a column that does not convert drops
// the row with a coercion error.
func (p *jsonParser) emit(dst []value.Value, errs []*RowError, doc, data string) ([]value.Value, []*RowError) {
	start := len(dst)
	for c, sp := range p.spans {
		v, err := p.convert(doc, sp, p.cols[c].Type)
		if err != nil {
			return dst[:start], append(errs, convertError(err, p.cols[c], c, data))
		}
		dst = append(dst, v)
	}
	return dst, errs
}

func (p *jsonParser) convert(doc string, sp span, t value.Type) (value.Value, error) {
	if sp.end == 0 {
		return value.Value{}, nil
	}
	text := doc[sp.start:sp.end]
	switch c := text[0]; {
	case c == '"':
		return fromString(stringContent(doc, sp.start, sp.end), t)
	case c == 'n':
		return value.Value{}, nil
	case c == 't':
		return fromBool(true, t)
	case c == 'f':
		return fromBool(false, t)
	case c == '{':
		return fromJSONText(text, t)
	case c == '[':
		if sp.from > 0 {
			text = arrayFrom(doc, sp.start, sp.from)
		}
		return fromJSONText(text, t)
	}
	return fromNumber(text, t)
}

// arrayFrom is the text of the array at i without its first from elements.
func arrayFrom(doc string, i, from int) string {
	var b strings.Builder
	b.WriteByte('[')
	n := 0
	forEachElement(doc, i, func(j int) {
		if n >= from {
			if b.Len() > 1 {
				b.WriteByte(',')
			}
			b.WriteString(doc[j:skipValue(doc, j)])
		}
		n++
	})
	b.WriteByte(']')
	return b.String()
}

// findMember is the start of the value of member name in the object at i
// (the last one, if the name repeats).
func findMember(doc string, i int, name string) (int, bool) {
	found, at := false, 0
	i = skipSpace(doc, i+1)
	for i < len(doc) && doc[i] == '"' {
		kend := skipString(doc, i)
		key := doc[i+1 : kend-1]
		if strings.IndexByte(key, '\\') >= 0 {
			key = stringContent(doc, i, kend)
		}
		j := skipSpace(doc, skipSpace(doc, kend)+1)
		if key == name {
			found, at = true, j
		}
		i = skipSpace(doc, skipValue(doc, j))
		if i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return at, found
}

// findElement is the start of element n of the array at i.
func findElement(doc string, i, n int) (int, bool) {
	at, found, k := 0, false, 0
	forEachElement(doc, i, func(j int) {
		if k == n {
			at, found = j, true
		}
		k++
	})
	return at, found
}

// forEachElement calls fn with the start of each element of the array at i.
// It stops at anything unexpected, so it cannot loop on a value that is
// not a (valid) array.
func forEachElement(doc string, i int, fn func(int)) {
	if i >= len(doc) || doc[i] != '[' {
		return
	}
	i = skipSpace(doc, i+1)
	for i < len(doc) && doc[i] != ']' {
		fn(i)
		next := skipValue(doc, i)
		if next <= i {
			return
		}
		i = skipSpace(doc, next)
		if i >= len(doc) || doc[i] != ',' {
			return
		}
		i = skipSpace(doc, i+1)
	}
}
