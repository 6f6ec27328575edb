package funcs

// W3C_LOG_PARSE(line, format) and SYS_LOG_PARSE(line).
//
// W3C_LOG_PARSE's format is a predefined name or an Apache mod_log_config
// format string. The predefined formats:
//
//	COMMON              %h %l %u %t "%r" %>s %b
//	COMMON WITH VHOST   %v %h %l %u %t "%r" %>s %b
//	NCSA EXTENDED       %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
//	REFERER             %{Referer}i -> %U
//	AGENT               %{User-agent}i
//	IIS                 the Microsoft IIS log format: 15 fields separated by ", "
//
// Each % directive is a column, COLUMN1 … in order, of type VARCHAR(1024)
// holding the field's text as the log has it ("-" included, %t with its
// brackets): KDA's reference describes typed columns but its examples CAST
// the columns and write them to VARCHAR columns, which text always allows.
// A directive's condition and redirect modifiers (%400,501{…}i, %>s) are
// accepted and do not change parsing; {name} may also be written [name], as
// KDA's reference does. A field runs to the literal that follows its
// directive in the format; a field inside "…" runs to the closing quote,
// skipping backslash-escaped quotes; %t runs to its closing ]. A line that
// does not follow the format is a NULL row.

import (
	"strings"

	"sluice/internal/analytics/value"
)

var w3cFormats = map[string]string{
	"COMMON":            `%h %l %u %t "%r" %>s %b`,
	"COMMON WITH VHOST": `%v %h %l %u %t "%r" %>s %b`,
	"NCSA EXTENDED":     `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`,
	"REFERER":           `%{Referer}i -> %U`,
	"AGENT":             `%{User-agent}i`,
}

const iisColumns = 15

// w3cItem is a literal, or (directive != 0) a field.
type w3cItem struct {
	lit       string
	directive byte
	param     string
}

// compileW3C reads an Apache format string.
func compileW3C(format string) ([]w3cItem, error) {
	var items []w3cItem
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			items = append(items, w3cItem{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '\\' && i+1 < len(format) {
			i++
			switch format[i] {
			case 'n':
				lit.WriteByte('\n')
			case 't':
				lit.WriteByte('\t')
			default:
				lit.WriteByte(format[i])
			}
			continue
		}
		if c != '%' {
			lit.WriteByte(c)
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			lit.WriteByte('%')
			continue
		}
		// Modifiers: !, status codes, < or >.
		for i < len(format) && (format[i] == '!' || format[i] == ',' || format[i] == '<' || format[i] == '>' || isDigit(format[i])) {
			i++
		}
		var param string
		if i < len(format) && (format[i] == '{' || format[i] == '[') {
			closer := byte('}')
			if format[i] == '[' {
				closer = ']'
			}
			end := strings.IndexByte(format[i:], closer)
			if end < 0 {
				return nil, specError("unclosed %c in the format", format[i])
			}
			param = format[i+1 : i+end]
			i += end + 1
		}
		if i >= len(format) || !strings.ContainsRune("aABbCDefhHilmnopPqrstTuUvVXIOkLR", rune(format[i])) {
			return nil, specError("%% at %d is not a known directive", i)
		}
		flush()
		items = append(items, w3cItem{directive: format[i], param: param})
	}
	flush()
	return items, nil
}

// parseW3C splits a line by the format, appending the fields to dst; ok is
// false when the line does not follow it.
func parseW3C(dst []string, items []w3cItem, s string) ([]string, bool) {
	pos := 0
	for k, it := range items {
		if it.directive == 0 {
			if !strings.HasPrefix(s[pos:], it.lit) {
				return dst, false
			}
			pos += len(it.lit)
			continue
		}
		rest := s[pos:]
		quoted := k > 0 && items[k-1].directive == 0 && strings.HasSuffix(items[k-1].lit, `"`)
		var n int
		switch {
		case it.directive == 't' && it.param == "" && strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return dst, false
			}
			n = end + 1
		case quoted:
			n = closingQuote(rest)
			if n < 0 {
				return dst, false
			}
		case k == len(items)-1:
			n = len(strings.TrimRight(rest, "\r\n"))
		case items[k+1].directive == 0:
			n = strings.Index(rest, items[k+1].lit)
			if n < 0 {
				return dst, false
			}
		default:
			n = strings.IndexAny(rest, " \t")
			if n < 0 {
				n = len(rest)
			}
		}
		dst = append(dst, rest[:n])
		pos += n
	}
	return dst, true
}

// closingQuote is the offset of the first " in s not escaped by a
// backslash, or -1.
func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// bindW3CLogParse binds W3C_LOG_PARSE(line, format): the format must be a
// constant.
func bindW3CLogParse(_ *Env, args []Arg) (*Call, error) {
	const fn = "W3C_LOG_PARSE"
	c := checker{fn: fn, args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	format, err := c.constString(1, "format")
	if err != nil {
		return nil, err
	}
	name := strings.ToUpper(strings.Join(strings.Fields(format), " "))
	if name == "IIS" {
		return rowCall(numbered(iisColumns, logColumnType), func(dst, a []value.Value) ([]value.Value, bool, error) {
			fields := strings.Split(strings.TrimRight(strings.TrimSuffix(strings.TrimRight(a[0].Str(), "\r\n"), ","), " "), ", ")
			if len(fields) != iisColumns {
				return dst, false, nil
			}
			return appendText(dst, fields), true, nil
		}), nil
	}
	if f, ok := w3cFormats[name]; ok {
		format = f
	}
	items, err := compileW3C(format)
	if err != nil {
		return nil, c.fail(1, "is not a W3C format: %v", err)
	}
	n := 0
	for _, it := range items {
		if it.directive != 0 {
			n++
		}
	}
	if n == 0 {
		return nil, c.fail(1, "has no %% directives, so the row would have no columns")
	}
	return rowCall(numbered(n, logColumnType), func(dst, a []value.Value) ([]value.Value, bool, error) {
		var buf [16]string
		fields, ok := parseW3C(buf[:0], items, a[0].Str())
		if !ok {
			return dst, false, nil
		}
		return appendText(dst, fields), true, nil
	}), nil
}

// appendText appends fields as the VARCHAR(1024) columns of a log parser.
func appendText(dst []value.Value, fields []string) []value.Value {
	for _, s := range fields {
		v, _ := value.Cast(value.NewVarchar(s), logColumnType)
		dst = append(dst, v)
	}
	return dst
}

// bindSysLogParse binds SYS_LOG_PARSE(line) for the syslog format of RFC
// 3164, "Mmm dd hh:mm:ss message": COLUMN1 the TIMESTAMP, COLUMN2 the rest
// of the line (the host and the message) as VARCHAR(1024). Syslog lines
// carry no year; as SimpleDateFormat('MMM dd HH:mm:ss') does, the year is
// 1970.
func bindSysLogParse(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "SYS_LOG_PARSE", args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	fields := []Field{{Name: "COLUMN1", Type: value.Simple(value.KindTimestamp)}, {Name: "COLUMN2", Type: logColumnType}}
	return rowCall(fields, func(dst, a []value.Value) ([]value.Value, bool, error) {
		ms, rest, ok := parseSyslogTime(a[0].Str())
		if !ok {
			return dst, false, nil
		}
		v, _ := value.Cast(value.NewVarchar(rest), logColumnType)
		return append(dst, value.NewTimestamp(ms), v), true, nil
	}), nil
}

// parseSyslogTime reads "Mmm dd hh:mm:ss " (the day may be space-padded).
func parseSyslogTime(s string) (int64, string, bool) {
	if len(s) < 15 {
		return 0, "", false
	}
	month := -1
	for k, m := range monthShort {
		if s[:3] == m {
			month = k + 1
		}
	}
	if month < 0 || s[3] != ' ' {
		return 0, "", false
	}
	i := 4
	if s[i] == ' ' {
		i++
	}
	day, end, ok := parseNumber(s, i, 2, false)
	if !ok || end-i > 2 || day < 1 || day > value.DaysInMonth(1970, int64(month)) {
		return 0, "", false
	}
	i = end
	if len(s) < i+9 || s[i] != ' ' || s[i+3] != ':' || s[i+6] != ':' {
		return 0, "", false
	}
	var hms [3]int64
	for k := range hms {
		d1, d2 := s[i+1+3*k], s[i+2+3*k]
		if !isDigit(d1) || !isDigit(d2) {
			return 0, "", false
		}
		hms[k] = int64(d1-'0')*10 + int64(d2-'0')
	}
	if hms[0] > 23 || hms[1] > 59 || hms[2] > 59 {
		return 0, "", false
	}
	i += 9
	rest := strings.TrimLeft(s[i:], " ")
	ms := value.DaysFromCivil(1970, int64(month), day)*msPerDay + hms[0]*msPerHour + hms[1]*msPerMinute + hms[2]*msPerSecond
	return ms, rest, true
}
