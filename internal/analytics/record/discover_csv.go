package record

import (
	"strings"

	"sluice/internal/analytics/value"
)

// csvIntKinds are the integer types CSV discovery picks from.
var csvIntKinds = []value.Kind{value.KindInteger, value.KindBigInt}

// columnDelimiters are the delimiters CSV discovery tries, in order of
// preference.
var columnDelimiters = []string{",", "\t", "|", ";"}

func discoverCSV(samples [][]byte) (InputSchema, error) {
	rowDelim := "\n"
	for _, s := range samples {
		t := string(s)
		if strings.Contains(t, "\r\n") {
			rowDelim = "\r\n"
			break
		}
		if !strings.Contains(t, "\n") && strings.Contains(t, "\r") {
			rowDelim = "\r"
		}
	}
	colDelim, rows := chooseDelimiter(samples, rowDelim)
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	if width == 0 {
		return InputSchema{}, ErrUnableToDetectSchema
	}
	width = min(width, MaxColumns)

	stats := make([]*columnStats, width)
	for i := range stats {
		stats[i] = &columnStats{}
	}
	header := hasHeader(rows, width, len(splitCSV(samples[:1], rowDelim, colDelim)))
	body := rows
	if header {
		body = rows[1:]
	}
	for _, r := range body {
		for c := 0; c < width && c < len(r); c++ {
			noteCSVField(stats[c], r[c])
		}
	}
	names := make([]string, width)
	for c := range names {
		if header && c < len(rows[0]) {
			names[c] = columnName(strings.TrimSpace(rows[0][c]), c)
		} else {
			names[c] = columnName("", c)
		}
	}
	uniqueNames(names)
	cols := make([]RecordColumn, width)
	for c, st := range stats {
		t := st.sqlType(csvIntKinds, value.KindDouble)
		cols[c] = RecordColumn{Name: names[c], SqlType: t.String()}
	}
	return InputSchema{
		RecordFormat: RecordFormat{
			RecordFormatType: FormatCSV,
			MappingParameters: &MappingParameters{CSVMappingParameters: &CSVMappingParameters{
				RecordRowDelimiter: rowDelim, RecordColumnDelimiter: colDelim}},
		},
		RecordEncoding: EncodingUTF8,
		RecordColumns:  cols,
	}, nil
}

// splitCSV splits the samples into rows of fields with the delimiters.
func splitCSV(samples [][]byte, rowDelim, colDelim string) [][]string {
	p, _ := newCSVParser(nil, CSVMappingParameters{RecordRowDelimiter: rowDelim, RecordColumnDelimiter: colDelim})
	var rows [][]string
	for _, s := range samples {
		doc := string(s)
		for i := 0; i < len(doc); {
			end, next, ok := p.splitRow(doc, i)
			if !ok {
				break
			}
			if end > i {
				rows = append(rows, append([]string(nil), p.fields...))
			}
			i = next
		}
	}
	return rows
}

// chooseDelimiter is the column delimiter that splits the rows most
// consistently into more than one field, with the rows it gives.
func chooseDelimiter(samples [][]byte, rowDelim string) (string, [][]string) {
	best, bestScore := ",", -1
	var bestRows [][]string
	for _, d := range columnDelimiters {
		rows := splitCSV(samples, rowDelim, d)
		counts := map[int]int{}
		for _, r := range rows {
			counts[len(r)]++
		}
		mode, modeRows := 0, 0
		for n, k := range counts {
			if k > modeRows || k == modeRows && n > mode {
				mode, modeRows = n, k
			}
		}
		score := 0
		if mode > 1 {
			score = modeRows*1000 + mode
		}
		if score > bestScore {
			best, bestScore, bestRows = d, score, rows
		}
	}
	return best, bestRows
}

// hasHeader reports a first line of column names. It is looked for only
// when the first sample holds several lines (a file, as an S3 object is;
// stream records are usually a line each). The first line is a header when
// every field is present and reads as text, not as a number, boolean or
// timestamp, and either some column's other values are typed (year over
// 2001, the guide's data.csv) or, all columns being text, every field looks
// like a name and appears nowhere else in its column (Ticker, Company over
// ticker symbols and names, the guide's TickerReference.csv).
func hasHeader(rows [][]string, width, firstSampleRows int) bool {
	if firstSampleRows < 2 || len(rows) < 2 || len(rows[0]) < width {
		return false
	}
	typed := false
	for c := 0; c < width; c++ {
		h := strings.TrimSpace(rows[0][c])
		probe := &columnStats{}
		noteCSVField(probe, h)
		if h == "" || probe.kinds != jsonString || probe.timestamps {
			return false
		}
		st := &columnStats{}
		for _, r := range rows[1:] {
			if c < len(r) {
				noteCSVField(st, r[c])
			}
		}
		if st.sqlType(csvIntKinds, value.KindDouble).Kind != value.KindVarchar {
			typed = true
		}
	}
	if typed {
		return true
	}
	for c := 0; c < width; c++ {
		h := strings.TrimSpace(rows[0][c])
		if !looksLikeName(h) {
			return false
		}
		for _, r := range rows[1:] {
			if c < len(r) && strings.TrimSpace(r[c]) == h {
				return false
			}
		}
	}
	return true
}

// looksLikeName reports text that could be a column name: a letter or _
// first, then letters, digits, _, - and blanks.
func looksLikeName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if i == 0 && !letter || !letter && !(c >= '0' && c <= '9' || c == '-' || c == ' ') {
			return false
		}
	}
	return s != ""
}

// noteCSVField notes one field's text in a column's stats.
func noteCSVField(c *columnStats, f string) {
	t := strings.TrimSpace(f)
	switch {
	case t == "":
		c.kinds |= jsonNull
	case strings.EqualFold(t, "true") || strings.EqualFold(t, "false"):
		c.kinds |= jsonBool
		c.sawText(f)
	case looksNumeric(t):
		c.noteNumber(t)
		c.sawText(f)
	default:
		c.noteString(f)
	}
}

// looksNumeric reports text ParseNumber reads.
func looksNumeric(s string) bool {
	_, err := value.ParseNumber(s)
	return err == nil
}
