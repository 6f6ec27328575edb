package record

import (
	"strings"

	"sluice/internal/analytics/value"
)

// jsonIntKinds are the integer types JSON discovery picks from.
var jsonIntKinds = []value.Kind{value.KindTinyInt, value.KindSmallInt, value.KindInteger, value.KindBigInt}

func discoverJSON(samples [][]byte) (InputSchema, error) {
	var docs []string
	for _, s := range samples {
		doc := string(s)
		for i := skipSpace(doc, 0); i < len(doc); i = skipSpace(doc, i) {
			end, err := validateJSON(doc, i, 0)
			if err != nil {
				break
			}
			docs = append(docs, doc[i:end])
			i = end
		}
	}
	rowPath, rows := jsonRows(docs)
	var stats []*columnStats
	index := map[string]int{} // joined path → stats index
	for _, row := range rows {
		if row == "" {
			continue
		}
		if row[0] != '{' {
			// A row that is not an object is one value: the row itself.
			collectJSON(row, 0, nil, &stats, index)
			continue
		}
		collectMembers(row, 0, nil, &stats, index)
	}
	if len(stats) == 0 {
		return InputSchema{}, ErrUnableToDetectSchema
	}
	names := make([]string, len(stats))
	for i, c := range stats {
		names[i] = columnName(strings.Join(c.path, "_"), i)
	}
	uniqueNames(names)
	cols := make([]RecordColumn, len(stats))
	for i, c := range stats {
		mapping := "$"
		for _, p := range c.path {
			mapping = MemberPath(mapping, p)
		}
		if c.kinds&^jsonNull == jsonArray {
			mapping += "[0:]"
		}
		t := c.sqlType(jsonIntKinds, value.KindReal)
		cols[i] = RecordColumn{Name: names[i], SqlType: t.String(), Mapping: mapping}
	}
	return InputSchema{
		RecordFormat: RecordFormat{
			RecordFormatType:  FormatJSON,
			MappingParameters: &MappingParameters{JSONMappingParameters: &JSONMappingParameters{RecordRowPath: rowPath}},
		},
		RecordEncoding: EncodingUTF8,
		RecordColumns:  cols,
	}, nil
}

// jsonRows picks the row path and returns the rows it selects.
func jsonRows(docs []string) (string, []string) {
	allArrays := len(docs) > 0
	key, wrapped := "", len(docs) > 0
	for n, d := range docs {
		if d[0] != '[' {
			allArrays = false
		}
		if !wrapped {
			continue
		}
		k, ok := soleArrayMember(d)
		if !ok || (n > 0 && k != key) {
			wrapped = false
		}
		key = k
	}
	var rows []string
	elements := func(d string, at int) {
		forEachElement(d, at, func(j int) { rows = append(rows, d[j:skipValue(d, j)]) })
	}
	switch {
	case allArrays:
		for _, d := range docs {
			elements(d, 0)
		}
		if hasObject(rows) {
			return "$[0:]", rows
		}
		rows = rows[:0]
	case wrapped:
		for _, d := range docs {
			at, _ := findMember(d, 0, key)
			elements(d, at)
		}
		if hasObject(rows) {
			return MemberPath("$", key) + "[0:]", rows
		}
		rows = rows[:0]
	}
	return "$", docs
}

func hasObject(rows []string) bool {
	for _, r := range rows {
		if strings.HasPrefix(r, "{") {
			return true
		}
	}
	return false
}

// soleArrayMember is the name of the only member of the object d when that
// member is an array.
func soleArrayMember(d string) (string, bool) {
	if d[0] != '{' {
		return "", false
	}
	i := skipSpace(d, 1)
	if i >= len(d) || d[i] != '"' {
		return "", false
	}
	kend := skipString(d, i)
	key := stringContent(d, i, kend)
	j := skipSpace(d, skipSpace(d, kend)+1)
	if j >= len(d) || d[j] != '[' {
		return "", false
	}
	end := skipSpace(d, skipValue(d, j))
	return key, end < len(d) && d[end] == '}'
}

// collectMembers notes every member of the object at i, recursing into
// nested objects.
func collectMembers(doc string, i int, path []string, stats *[]*columnStats, index map[string]int) {
	i = skipSpace(doc, i+1)
	for i < len(doc) && doc[i] == '"' {
		kend := skipString(doc, i)
		key := stringContent(doc, i, kend)
		j := skipSpace(doc, skipSpace(doc, kend)+1)
		p := append(path[:len(path):len(path)], key)
		if doc[j] == '{' && skipSpace(doc, j+1) < len(doc) && doc[skipSpace(doc, j+1)] != '}' {
			collectMembers(doc, j, p, stats, index)
			i = skipValue(doc, j)
		} else {
			i = collectJSON(doc, j, p, stats, index)
		}
		i = skipSpace(doc, i)
		if i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
}

// collectJSON notes the value at i for the column at path.
func collectJSON(doc string, i int, path []string, stats *[]*columnStats, index map[string]int) int {
	key := strings.Join(path, "\x00")
	k, ok := index[key]
	if !ok {
		k = len(*stats)
		index[key] = k
		*stats = append(*stats, &columnStats{path: path})
	}
	c := (*stats)[k]
	end := skipValue(doc, i)
	text := doc[i:end]
	switch ch := doc[i]; {
	case ch == 'n':
		c.kinds |= jsonNull
	case ch == 't' || ch == 'f':
		c.kinds |= jsonBool
		c.sawText(text)
	case ch == '"':
		c.noteString(stringContent(doc, i, end))
	case ch == '{':
		c.kinds |= jsonObject
		c.sawText(compactJSON(text))
	case ch == '[':
		c.kinds |= jsonArray
		c.sawText(compactJSON(text))
	default:
		c.noteNumber(text)
	}
	return end
}
