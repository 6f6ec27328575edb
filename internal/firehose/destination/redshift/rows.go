package redshift

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxRecordBytes is Redshift's limit on one input row and on one JSON
// object ("The maximum size of a single input row from any source is
// 4 MB").
const maxRecordBytes = 4 << 20

// maxRawValue bounds RowError.Value.
const maxRawValue = 1024

// colKind is what a column's type means for COPY's conversions.
type colKind int

const (
	kindOther     colKind = iota
	kindChar              // PostgreSQL's string category: text, varchar, char, name, ...
	kindTimestamp         // timestamp without time zone
	kindTimestampTZ
	kindDate
	kindNumeric
)

// column is a target column of the load.
type column struct {
	name   string
	kind   colKind
	length int // kindChar: character limit, 0: none
	scale  int // kindNumeric: scale, -1: unconstrained
}

// field is one value of a row.
type field struct {
	v    string
	null bool
}

// row is one input record mapped to the target columns.
type row struct {
	key    string
	line   int
	fields []field
	raw    string // the record, truncated, for RowError.Value
}

// decoder turns staged objects into rows for cols under opts. reject is
// called for every row COPY rejects; when it returns an error decoding
// stops with it.
type decoder struct {
	opts   Options
	cols   []column
	index  map[string]int // JSON: key (lower-cased for ignorecase) -> column
	reject func(RowError) error
	rows   []row
}

func newDecoder(opts Options, cols []column, reject func(RowError) error) *decoder {
	d := &decoder{opts: opts, cols: cols, reject: reject}
	if opts.Format == FormatJSON {
		d.index = make(map[string]int, len(cols))
		for i, c := range cols {
			k := c.name
			if opts.JSONIgnoreCase {
				k = strings.ToLower(k)
			}
			if _, dup := d.index[k]; !dup {
				d.index[k] = i
			}
		}
	}
	return d
}

// objectError is a staged object COPY cannot read at all (a broken GZIP
// stream): the whole load fails, whatever MAXERROR says.
type objectError struct {
	key    string
	reason string
}

func (e *objectError) Error() string { return e.key + ": " + e.reason }

// object decodes one staged object.
func (d *decoder) object(key string, body []byte) error {
	if d.opts.Gzip {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return &objectError{key, "GZIP: " + err.Error()}
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			return &objectError{key, "GZIP: " + err.Error()}
		}
		body = b
	}
	body, line := skipLines(body, d.opts.IgnoreHeader)
	switch d.opts.Format {
	case FormatJSON:
		return d.json(key, body, line)
	case FormatCSV:
		return d.csv(key, body, line)
	}
	return d.text(key, body, line)
}

// skipLines drops the first n lines of b and returns the number of the
// line after them (1-based).
func skipLines(b []byte, n int) ([]byte, int) {
	line := 1
	for ; n > 0 && len(b) > 0; n-- {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil, line
		}
		b = b[i+1:]
		line++
	}
	return b, line
}

func truncRaw(b []byte) string {
	if len(b) > maxRawValue {
		b = b[:maxRawValue]
	}
	return strings.ToValidUTF8(string(b), "?")
}

func (d *decoder) rejectRecord(key string, line int, raw []byte, col, reason string) error {
	return d.reject(RowError{Key: key, Line: line, Column: col, Value: truncRaw(raw), Reason: reason})
}

// text reads character-delimited records: one per line, fields split at
// the delimiter; with ESCAPE a backslash makes the next character
// (delimiter, newline, backslash) literal.
func (d *decoder) text(key string, b []byte, line int) error {
	delim := d.opts.delimiter()
	for len(b) > 0 {
		start := line
		var fields []string
		var raws []string // fields as written, for NULL AS
		var cur []byte
		curRaw := 0
		i := 0
		end := len(b)
		for i < len(b) {
			c := b[i]
			if d.opts.Escape && c == '\\' && i+1 < len(b) {
				if b[i+1] == '\n' {
					line++
				}
				cur = append(cur, b[i+1])
				i += 2
				continue
			}
			if c == '\n' {
				end = i
				break
			}
			if c == delim {
				fields = append(fields, string(cur))
				raws = append(raws, string(b[curRaw:i]))
				cur = cur[:0]
				curRaw = i + 1
				i++
				continue
			}
			cur = append(cur, c)
			i++
		}
		if i >= len(b) {
			end = len(b)
		}
		rec := b[:end]
		fields = append(fields, string(cur))
		raws = append(raws, string(b[curRaw:end]))
		if end < len(b) {
			b = b[end+1:]
			line++
		} else {
			b = nil
		}
		if len(rec) == 0 && d.opts.IgnoreBlank {
			continue
		}
		if err := d.delimited(key, start, rec, fields, raws, nil); err != nil {
			return err
		}
	}
	return nil
}

// csv reads CSV records: fields optionally enclosed in the quote
// character (doubled inside a field to stand for itself), which may hold
// delimiters and newlines; white space between a delimiter and a quote is
// ignored; a record ends at \n or \r\n.
func (d *decoder) csv(key string, b []byte, line int) error {
	delim, quote := d.opts.delimiter(), d.opts.quote()
	isSpace := func(c byte) bool { return (c == ' ' || c == '\t') && c != delim }
	for len(b) > 0 {
		start := line
		var fields []string
		var quoted []bool
		i := 0
		bad := ""
	record:
		for {
			// one field starting at i
			j := i
			for j < len(b) && isSpace(b[j]) {
				j++
			}
			if j < len(b) && b[j] == quote {
				var v []byte
				j++
				closed := false
				for j < len(b) {
					if b[j] == quote {
						if j+1 < len(b) && b[j+1] == quote {
							v = append(v, quote)
							j += 2
							continue
						}
						j++
						closed = true
						break
					}
					if b[j] == '\n' {
						line++
					}
					v = append(v, b[j])
					j++
				}
				if !closed {
					bad = "unterminated quoted field"
					i = len(b)
					break record
				}
				for j < len(b) && isSpace(b[j]) {
					j++
				}
				fields, quoted = append(fields, string(v)), append(quoted, true)
				i = j
			} else {
				j = i
				for j < len(b) && b[j] != delim && b[j] != '\n' {
					j++
				}
				v := b[i:j]
				if j < len(b) && b[j] == '\n' && len(v) > 0 && v[len(v)-1] == '\r' {
					v = v[:len(v)-1]
				}
				fields, quoted = append(fields, string(v)), append(quoted, false)
				i = j
			}
			switch {
			case i >= len(b):
				break record
			case b[i] == delim:
				i++
			case b[i] == '\n':
				break record
			case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
				i++
				break record
			default:
				bad = "unexpected characters after a quoted field"
				for i < len(b) && b[i] != '\n' {
					i++
				}
				break record
			}
		}
		rec := b[:i]
		if i < len(b) {
			b = b[i+1:]
			line++
		} else {
			b = nil
		}
		if bad != "" {
			if err := d.rejectRecord(key, start, rec, "", bad); err != nil {
				return err
			}
			continue
		}
		if len(rec) == 0 && d.opts.IgnoreBlank {
			continue
		}
		if err := d.delimited(key, start, rec, fields, fields, quoted); err != nil {
			return err
		}
	}
	return nil
}

// delimited maps the fields of a text or CSV record to the columns.
// raws are the fields as written (NULL AS compares them); quoted says
// which CSV fields were quoted (NULL AS never matches those).
func (d *decoder) delimited(key string, line int, rec []byte, fields, raws []string, quoted []bool) error {
	if len(rec) > maxRecordBytes {
		return d.rejectRecord(key, line, rec, "", "row larger than 4 MB")
	}
	n := len(d.cols)
	switch {
	case len(fields) > n:
		return d.rejectRecord(key, line, rec, "", fmt.Sprintf("Extra column(s) found: %d fields for %d columns", len(fields), n))
	case len(fields) < n && !d.opts.FillRecord:
		return d.rejectRecord(key, line, rec, "", fmt.Sprintf("Delimiter not found: %d fields for %d columns", len(fields), n))
	}
	null := d.opts.nullString()
	r := row{key: key, line: line, fields: make([]field, n), raw: truncRaw(rec)}
	for i, c := range d.cols {
		if i >= len(fields) { // FILLRECORD
			f, reason := convert(c, "", d.opts)
			if reason != "" {
				return d.rejectRecord(key, line, rec, c.name, reason)
			}
			r.fields[i] = f
			continue
		}
		isNull := (quoted == nil || !quoted[i]) && raws[i] == null
		if !isNull && d.opts.Escape && !d.opts.HasNullAs && raws[i] == `\\N` {
			isNull = true
		}
		if isNull {
			r.fields[i] = field{null: true}
			continue
		}
		f, reason := convert(c, fields[i], d.opts)
		if reason != "" {
			return d.rejectRecord(key, line, []byte(fields[i]), c.name, reason)
		}
		r.fields[i] = f
	}
	d.rows = append(d.rows, r)
	return nil
}

// json reads JSON 'auto' records: a sequence of objects separated by
// white space, each one row. Anything else between them is an error per
// instance.
func (d *decoder) json(key string, b []byte, line int) error {
	i := 0
	for {
		for i < len(b) && isJSONSpace(b[i]) {
			if b[i] == '\n' {
				line++
			}
			i++
		}
		if i >= len(b) {
			return nil
		}
		if b[i] != '{' && b[i] != '[' {
			start := line
			j := i
			for j < len(b) && b[j] != '{' && b[j] != '[' {
				if b[j] == '\n' {
					line++
				}
				j++
			}
			if err := d.rejectRecord(key, start, b[i:j], "", "Invalid JSON: characters outside a JSON object"); err != nil {
				return err
			}
			i = j
			continue
		}
		end, nl, ok := jsonEnd(b, i)
		line += nl
		if !ok {
			return d.rejectRecord(key, line, b[i:], "", "Invalid JSON: unterminated object")
		}
		doc := b[i:end]
		i = end
		if len(doc) > maxRecordBytes {
			if err := d.rejectRecord(key, line, doc, "", "JSON object larger than 4 MB"); err != nil {
				return err
			}
			continue
		}
		fields, col, reason := d.jsonRow(doc)
		if reason != "" {
			if err := d.rejectRecord(key, line, doc, col, reason); err != nil {
				return err
			}
			continue
		}
		d.rows = append(d.rows, row{key: key, line: line, fields: fields, raw: truncRaw(doc)})
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// jsonEnd finds the end of the object or array starting at b[i] by
// counting brackets outside strings: the index after it, the newlines in
// it, and whether it ended.
func jsonEnd(b []byte, i int) (end, newlines int, ok bool) {
	depth := 0
	inStr := false
	for j := i; j < len(b); j++ {
		c := b[j]
		if c == '\n' {
			newlines++
		}
		if inStr {
			switch c {
			case '\\':
				if j+1 < len(b) && b[j+1] == '\n' {
					newlines++
				}
				j++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, newlines, true
			}
		}
	}
	return len(b), newlines, false
}

// jsonRow maps one JSON object to the columns: keys matched to column
// names (exactly, or lower-cased for 'auto ignorecase'; the last of
// duplicate keys wins), missing keys NULL, strings their text, numbers as
// written, booleans true/false, null NULL, objects and arrays their
// compact JSON text. It returns the rejected column and the reason when
// the object cannot be loaded.
func (d *decoder) jsonRow(doc []byte) ([]field, string, string) {
	if !utf8.Valid(doc) {
		if d.opts.AcceptInvChars == 0 {
			return nil, "", "Invalid UTF8 character (use ACCEPTINVCHARS to replace it)"
		}
		doc = replaceInvalid(doc, d.opts.AcceptInvChars)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	t, err := dec.Token()
	if err != nil {
		return nil, "", "Invalid JSON: " + err.Error()
	}
	if t != json.Delim('{') {
		return nil, "", "Invalid JSONPath format: a JSON array needs a JSONPaths file, which Sluice does not support"
	}
	raw := make([]json.RawMessage, len(d.cols))
	seen := make([]bool, len(d.cols))
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, "", "Invalid JSON: " + err.Error()
		}
		k, _ := kt.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, "", "Invalid JSON: " + err.Error()
		}
		if d.opts.JSONIgnoreCase {
			k = strings.ToLower(k)
		}
		if i, ok := d.index[k]; ok {
			raw[i], seen[i] = v, true
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, "", "Invalid JSON: object not closed"
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "", "Invalid JSON: data after the object"
	}
	fields := make([]field, len(d.cols))
	for i, c := range d.cols {
		if !seen[i] {
			fields[i] = field{null: true}
			continue
		}
		s, isNull, err := jsonValueText(raw[i])
		if err != nil {
			return nil, c.name, "Invalid JSON: " + err.Error()
		}
		if isNull {
			fields[i] = field{null: true}
			continue
		}
		f, reason := convert(c, s, d.opts)
		if reason != "" {
			return nil, c.name, reason
		}
		fields[i] = f
	}
	return fields, "", ""
}

// jsonValueText is the text COPY loads for a JSON value.
func jsonValueText(v json.RawMessage) (s string, null bool, err error) {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return "", false, errors.New("empty value")
	}
	switch v[0] {
	case '"':
		err = json.Unmarshal(v, &s)
		return s, false, err
	case 'n':
		return "", true, nil
	case '{', '[':
		var b bytes.Buffer
		err = json.Compact(&b, v)
		return b.String(), false, err
	}
	return string(bytes.TrimRight(v, " \t\r\n")), false, nil
}

// replaceInvalid replaces every byte of an invalid UTF-8 sequence with c,
// as ACCEPTINVCHARS does ("a string of equal length").
func replaceInvalid(b []byte, c byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			out = append(out, c)
			b = b[1:]
			continue
		}
		out = append(out, b[:n]...)
		b = b[n:]
	}
	return out
}

// convert applies COPY's conversions for column c to a non-NULL value s:
// invalid UTF-8 (ACCEPTINVCHARS), TRIMBLANKS, EMPTYASNULL, BLANKSASNULL,
// TRUNCATECOLUMNS for character columns; blank values of other types
// loaded as NULL; TIMEFORMAT epochs; numeric scale truncation unless
// ROUNDEC. A non-empty reason rejects the row.
func convert(c column, s string, o Options) (field, string) {
	if !utf8.ValidString(s) {
		if o.AcceptInvChars == 0 || c.kind != kindChar {
			return field{}, "Invalid UTF8 character (use ACCEPTINVCHARS to replace it in character columns)"
		}
		s = string(replaceInvalid([]byte(s), o.AcceptInvChars))
	}
	if strings.IndexByte(s, 0) >= 0 {
		return field{}, "NUL character in a value (PostgreSQL cannot store it; NULL AS '\\0' loads a field of only NUL as NULL)"
	}
	if c.kind == kindChar {
		if o.TrimBlanks {
			s = strings.TrimRight(s, " \t\r\n\v\f")
		}
		if s == "" && o.EmptyAsNull || s != "" && o.BlanksAsNull && isBlank(s) {
			return field{null: true}, ""
		}
		if o.TruncateCols && c.length > 0 && utf8.RuneCountInString(s) > c.length {
			s = truncateRunes(s, c.length)
		}
		return field{v: s}, ""
	}
	if isBlank(s) {
		return field{null: true}, ""
	}
	switch c.kind {
	case kindTimestamp, kindTimestampTZ:
		if o.TimeFormat == TimeEpochSecs || o.TimeFormat == TimeEpochMilli {
			t, err := parseEpoch(s, o.TimeFormat == TimeEpochMilli)
			if err != nil {
				return field{}, err.Error()
			}
			v := t.Format("2006-01-02 15:04:05.999999")
			if c.kind == kindTimestampTZ {
				v += "+00"
			}
			return field{v: v}, ""
		}
	case kindNumeric:
		if !o.RoundDec && c.scale >= 0 {
			s = truncateScale(s, c.scale)
		}
	}
	return field{v: s}, ""
}

func isBlank(s string) bool {
	return strings.TrimLeft(s, " \t\r\n\v\f") == ""
}

func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// parseEpoch reads seconds (with an optional fraction) or milliseconds
// since 1970-01-01 00:00:00 UTC.
func parseEpoch(s string, millis bool) (time.Time, error) {
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("invalid epoch value %q for TIMEFORMAT", s)
	}
	t := strings.TrimSpace(s)
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	ip, fp, _ := strings.Cut(t, ".")
	if ip == "" || !allDigits(ip) || !allDigits(fp) || len(ip) > 18 {
		return bad()
	}
	n, err := strconv.ParseInt(ip, 10, 64)
	if err != nil {
		return bad()
	}
	unit := int64(time.Second)
	if millis {
		unit = int64(time.Millisecond)
	}
	// whole units, then the fraction of a unit down to nanoseconds
	frac := int64(0)
	scale := unit
	for _, d := range fp {
		scale /= 10
		if scale == 0 {
			break
		}
		frac += int64(d-'0') * scale
	}
	limit := int64(253402300799) // 9999-12-31 23:59:59
	if millis {
		limit *= 1000
	}
	if n > limit {
		return bad()
	}
	sec, nsec := n, frac
	if millis {
		sec, nsec = n/1000, (n%1000)*int64(time.Millisecond)+frac
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	if sec < -62135596800 { // before year 1
		return bad()
	}
	return time.Unix(sec, nsec).UTC(), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// truncateScale cuts the fraction of a plain decimal to scale digits, as
// Redshift's COPY does for DECIMAL columns without ROUNDEC; other forms
// (exponents, NaN) are left to PostgreSQL, which rounds.
func truncateScale(s string, scale int) string {
	t := strings.TrimSpace(s)
	sign := ""
	if t != "" && (t[0] == '-' || t[0] == '+') {
		sign, t = t[:1], t[1:]
	}
	ip, fp, ok := strings.Cut(t, ".")
	if !ok || !allDigits(ip) || !allDigits(fp) || ip == "" && fp == "" || len(fp) <= scale {
		return s
	}
	if ip == "" {
		ip = "0"
	}
	if scale == 0 {
		return sign + ip
	}
	return sign + ip + "." + fp[:scale]
}

// copyText appends r as a line of PostgreSQL's COPY text format.
func copyText(buf []byte, r row) []byte {
	for i, f := range r.fields {
		if i > 0 {
			buf = append(buf, '\t')
		}
		if f.null {
			buf = append(buf, `\N`...)
			continue
		}
		for j := 0; j < len(f.v); j++ {
			switch c := f.v[j]; c {
			case '\\':
				buf = append(buf, `\\`...)
			case '\n':
				buf = append(buf, `\n`...)
			case '\r':
				buf = append(buf, `\r`...)
			case '\t':
				buf = append(buf, `\t`...)
			default:
				buf = append(buf, c)
			}
		}
	}
	return append(buf, '\n')
}
