package record

import (
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

// csvParser maps delimited records to rows: columns by position, in order
// ("you cannot skip columns"), fields past the last column ignored, missing
// trailing fields NULL. A field that starts with a double quote (after
// blanks, unless the column delimiter is a blank) is quoted: delimiters
// inside it are text and "" is a quote, as in RFC 4180. An empty field is
// ” for a character column and NULL for any other; empty lines are not
// rows.
type csvParser struct {
	cols     []Column
	rowDelim string
	colDelim string
	quoting  bool // off when a delimiter is or starts with a quote
	trimLead bool // blanks before an opening quote are skipped
	fields   []string
	quoted   []bool
}

func newCSVParser(cols []Column, mp CSVMappingParameters) (*csvParser, error) {
	if mp.RecordRowDelimiter == "" {
		return nil, &SchemaError{Message: "RecordRowDelimiter is empty"}
	}
	if mp.RecordColumnDelimiter == "" {
		return nil, &SchemaError{Message: "RecordColumnDelimiter is empty"}
	}
	if mp.RecordRowDelimiter == mp.RecordColumnDelimiter {
		return nil, &SchemaError{Message: "RecordRowDelimiter and RecordColumnDelimiter are the same"}
	}
	return &csvParser{
		cols:     cols,
		rowDelim: mp.RecordRowDelimiter,
		colDelim: mp.RecordColumnDelimiter,
		quoting:  !strings.HasPrefix(mp.RecordRowDelimiter, `"`) && !strings.HasPrefix(mp.RecordColumnDelimiter, `"`),
		trimLead: !strings.ContainsAny(mp.RecordColumnDelimiter, " \t"),
	}, nil
}

func (p *csvParser) parse(dst []value.Value, record []byte) ([]value.Value, []*RowError) {
	var errs []*RowError
	doc := string(record)
	if !utf8.ValidString(doc) {
		return dst, append(errs, rowError(ErrorParse, doc, -1, "the record is not valid UTF-8"))
	}
	for i := 0; i < len(doc); {
		start := i
		end, next, ok := p.splitRow(doc, i)
		data := doc[start:end]
		if !ok {
			errs = append(errs, rowError(ErrorParse, data, -1, "a quoted field is not closed"))
			break
		}
		i = next
		if data == "" {
			continue
		}
		if e := checkRowSize(data); e != nil {
			errs = append(errs, e)
			continue
		}
		dst, errs = p.emit(dst, errs, data)
	}
	return dst, errs
}

// splitRow reads the fields of the row at i into p.fields; end is where
// the row's text ends and next where the next row starts. ok is false for a
// quote that is never closed.
func (p *csvParser) splitRow(doc string, i int) (end, next int, ok bool) {
	p.fields, p.quoted = p.fields[:0], p.quoted[:0]
	for {
		j := i
		if p.quoting && p.trimLead {
			for j < len(doc) && (doc[j] == ' ' || doc[j] == '\t') {
				j++
			}
		}
		quoted := p.quoting && j < len(doc) && doc[j] == '"'
		var text string
		var at int
		if quoted {
			var closed bool
			text, at, closed = readQuotedField(doc, j)
			if !closed {
				return len(doc), len(doc), false
			}
			// Blanks between the closing quote and the delimiter are
			// dropped; other text there is kept after the quoted part.
			k := at
			for k < len(doc) && (doc[k] == ' ' || doc[k] == '\t') && !strings.HasPrefix(doc[k:], p.colDelim) && !strings.HasPrefix(doc[k:], p.rowDelim) {
				k++
			}
			at = k
		} else {
			at = i
		}
		d, kind := p.nextDelim(doc, at)
		if quoted {
			text += doc[at:d]
		} else {
			text = doc[i:d]
		}
		p.fields = append(p.fields, text)
		p.quoted = append(p.quoted, quoted)
		switch kind {
		case 'c':
			i = d + len(p.colDelim)
		case 'r':
			return d, d + len(p.rowDelim), true
		default:
			return d, d, true
		}
	}
}

// nextDelim finds the next column ('c') or row ('r') delimiter from i, or
// the end ('e').
func (p *csvParser) nextDelim(doc string, i int) (int, byte) {
	for j := i; j < len(doc); j++ {
		if doc[j] == p.colDelim[0] && strings.HasPrefix(doc[j:], p.colDelim) {
			return j, 'c'
		}
		if doc[j] == p.rowDelim[0] && strings.HasPrefix(doc[j:], p.rowDelim) {
			return j, 'r'
		}
	}
	return len(doc), 'e'
}

// readQuotedField reads the quoted field at doc[i] == '"'.
func readQuotedField(doc string, i int) (string, int, bool) {
	j := i + 1
	plain := true
	for j < len(doc) {
		if doc[j] == '"' {
			if j+1 < len(doc) && doc[j+1] == '"' {
				plain = false
				j += 2
				continue
			}
			body := doc[i+1 : j]
			if !plain {
				body = strings.ReplaceAll(body, `""`, `"`)
			}
			return body, j + 1, true
		}
		j++
	}
	return "", len(doc), false
}

func (p *csvParser) emit(dst []value.Value, errs []*RowError, data string) ([]value.Value, []*RowError) {
	start := len(dst)
	for c, col := range p.cols {
		if c >= len(p.fields) {
			dst = append(dst, value.Value{})
			continue
		}
		f := p.fields[c]
		if f == "" && !p.quoted[c] && !col.Type.Kind.IsString() {
			dst = append(dst, value.Value{})
			continue
		}
		v, err := fromString(f, col.Type)
		if err != nil {
			return dst[:start], append(errs, convertError(err, col, c, data))
		}
		dst = append(dst, v)
	}
	return dst, errs
}
