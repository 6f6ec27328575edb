package redshift

import (
	"fmt"
	"strconv"
	"strings"
)

// Format is the data format of the staged objects.
type Format int

// The data formats COPY options can choose.
const (
	FormatText Format = iota // character-delimited text, Redshift's default
	FormatCSV
	FormatJSON
)

// Date/time conversion keywords of TIMEFORMAT and DATEFORMAT (case-sensitive,
// as Redshift's are).
const (
	TimeAuto       = "auto"
	TimeEpochSecs  = "epochsecs"
	TimeEpochMilli = "epochmillisecs"
)

// MaxMaxError is the upper limit of MAXERROR.
const MaxMaxError = 100000

// Options is a parsed CopyOptions string: what Load does with the staged
// objects. The zero value is Redshift's default: pipe-delimited text,
// MAXERROR 0.
type Options struct {
	Format         Format
	JSONIgnoreCase bool // JSON 'auto ignorecase'
	Delimiter      byte // text and CSV; 0: the default ('|', or ',' for CSV)
	Quote          byte // CSV; 0: '"'
	Gzip           bool
	NullAs         string // text and CSV; used when HasNullAs
	HasNullAs      bool
	EmptyAsNull    bool
	BlanksAsNull   bool
	TimeFormat     string // "", TimeAuto, TimeEpochSecs or TimeEpochMilli
	DateFormat     string // "" or TimeAuto
	TruncateCols   bool
	MaxError       int
	HasMaxError    bool
	IgnoreAll      bool // IGNOREALLERRORS
	AcceptInvChars byte // replacement character; 0: ACCEPTINVCHARS not given
	IgnoreHeader   int
	IgnoreBlank    bool // IGNOREBLANKLINES
	FillRecord     bool
	TrimBlanks     bool
	Escape         bool
	RoundDec       bool
	Encoding       bool   // ENCODING UTF8 given (UTF-8 is the default anyway)
	CompUpdate     string // "", or the COMPUPDATE argument as given upper-cased ("" argument: "ON")
	HasCompUpdate  bool
	StatUpdate     bool // STATUPDATE ON
	HasStatUpdate  bool
}

// delimiter returns the field delimiter in effect.
func (o Options) delimiter() byte {
	switch {
	case o.Delimiter != 0:
		return o.Delimiter
	case o.Format == FormatCSV:
		return ','
	}
	return '|'
}

func (o Options) quote() byte {
	if o.Quote != 0 {
		return o.Quote
	}
	return '"'
}

// nullString returns the string loaded as NULL in text and CSV data.
func (o Options) nullString() string {
	if o.HasNullAs {
		return o.NullAs
	}
	return `\N`
}

// errorLimit is the number of rejected rows at which a load fails; 0: none.
func (o Options) errorLimit() int {
	if o.IgnoreAll {
		return 0
	}
	return max(o.MaxError, 1)
}

// OptionError is a CopyOptions string Sluice refuses, naming the option.
type OptionError struct {
	Option string // the option as Redshift spells it, e.g. "JSON", "REGION"
	Reason string
}

func (e *OptionError) Error() string {
	return "CopyOptions: " + e.Reason
}

func refuse(option, format string, args ...any) *OptionError {
	return &OptionError{Option: option, Reason: fmt.Sprintf(format, args...)}
}

// Options that Redshift's COPY knows and Sluice refuses, with the reason.
var refused = map[string]string{
	"MANIFEST":             "MANIFEST is already part of the COPY command Firehose issues and cannot be given twice",
	"CREDENTIALS":          "CREDENTIALS is part of the COPY command Firehose issues (from the delivery stream's role)",
	"IAM_ROLE":             "IAM_ROLE is part of the COPY command Firehose issues (from the delivery stream's role)",
	"ACCESS_KEY_ID":        "ACCESS_KEY_ID is part of the COPY command Firehose issues (from the delivery stream's role)",
	"SECRET_ACCESS_KEY":    "SECRET_ACCESS_KEY is part of the COPY command Firehose issues (from the delivery stream's role)",
	"SESSION_TOKEN":        "SESSION_TOKEN is part of the COPY command Firehose issues (from the delivery stream's role)",
	"FROM":                 "FROM is part of the COPY command Firehose issues (the staged objects' manifest)",
	"MASTER_SYMMETRIC_KEY": "MASTER_SYMMETRIC_KEY is not supported: Sluice reads the staged objects itself and does not decrypt them",
	"ENCRYPTED":            "ENCRYPTED is not supported: Sluice reads the staged objects itself and does not decrypt them",
	"REGION":               "REGION is not supported: Sluice loads the objects it staged itself and has no cross-region S3 access to configure",
	"AVRO":                 "AVRO is not supported: use JSON 'auto', JSON 'auto ignorecase', CSV or DELIMITER",
	"PARQUET":              "PARQUET is not supported: use JSON 'auto', JSON 'auto ignorecase', CSV or DELIMITER",
	"ORC":                  "ORC is not supported: use JSON 'auto', JSON 'auto ignorecase', CSV or DELIMITER",
	"FIXEDWIDTH":           "FIXEDWIDTH is not supported: use JSON 'auto', JSON 'auto ignorecase', CSV or DELIMITER",
	"SHAPEFILE":            "SHAPEFILE is not supported: use JSON 'auto', JSON 'auto ignorecase', CSV or DELIMITER",
	"BZIP2":                "BZIP2 is not supported: Firehose stages Redshift data uncompressed or with GZIP",
	"LZOP":                 "LZOP is not supported: Firehose stages Redshift data uncompressed or with GZIP",
	"ZSTD":                 "ZSTD is not supported: Firehose stages Redshift data uncompressed or with GZIP",
	"REMOVEQUOTES":         "REMOVEQUOTES is not supported: use CSV for quoted fields",
	"ACCEPTANYDATE":        "ACCEPTANYDATE is not supported",
	"EXPLICIT_IDS":         "EXPLICIT_IDS is not supported: list the identity column in DataTableColumns instead",
	"NOLOAD":               "NOLOAD is not supported: Firehose would skip the data after checking it",
	"COMPROWS":             "COMPROWS is not supported: PostgreSQL has no automatic compression to sample for",
	"READRATIO":            "READRATIO is not supported: it applies to COPY from DynamoDB only",
	"SSH":                  "SSH is not supported: Firehose copies from S3",
	"SIMPLIFY":             "SIMPLIFY is not supported (SHAPEFILE only)",
	"SERIALIZETOJSON":      "SERIALIZETOJSON is not supported (PARQUET and ORC only)",
}

// ParseCopyOptions parses Redshift COPY options as Firehose's CopyCommand
// carries them: keywords case-insensitive, arguments in single quotes
// (two quotes stand for one; a backslash keeps the character after it), options
// separated by white space or commas. It refuses what Sluice does not
// implement with an *OptionError naming the option.
func ParseCopyOptions(s string) (Options, error) {
	toks, err := lexOptions(s)
	if err != nil {
		return Options{}, err
	}
	p := &optParser{toks: toks, seen: map[string]bool{}}
	var o Options
	if err := p.parse(&o); err != nil {
		return Options{}, err
	}
	if err := o.check(p.seen); err != nil {
		return Options{}, err
	}
	return o, nil
}

type tokKind int

const (
	tokWord tokKind = iota
	tokString
	tokNumber
	tokComma
)

type token struct {
	kind tokKind
	text string // word as written, string contents (lexed), digits
}

func lexOptions(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, refuse("", "unterminated quoted string starting at offset %d", i)
				}
				if s[j] == '\\' && j+1 < len(s) {
					b.WriteByte(s[j])
					b.WriteByte(s[j+1])
					j += 2
					continue
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					j++
					break
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, token{kind: tokString, text: b.String()})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && isWordByte(s[j]) {
				return nil, refuse("", "unexpected %q at offset %d", s[i:j+1], i)
			}
			toks = append(toks, token{kind: tokNumber, text: s[i:j]})
			i = j
		case isWordByte(c):
			j := i
			for j < len(s) && (isWordByte(s[j]) || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, token{kind: tokWord, text: s[i:j]})
			i = j
		default:
			return nil, refuse("", "unexpected character %q at offset %d", rune(c), i)
		}
	}
	return toks, nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

type optParser struct {
	toks []token
	pos  int
	seen map[string]bool
}

func (p *optParser) peek() (token, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return token{}, false
}

// peekWord reports whether the next token is the keyword kw.
func (p *optParser) peekWord(kw string) bool {
	t, ok := p.peek()
	return ok && t.kind == tokWord && strings.EqualFold(t.text, kw)
}

// optionalAS skips an AS keyword.
func (p *optParser) optionalAS() {
	if p.peekWord("AS") {
		p.pos++
	}
}

func (p *optParser) str(option string) (string, error) {
	t, ok := p.peek()
	if !ok || t.kind != tokString {
		return "", refuse(option, "%s needs a quoted argument", option)
	}
	p.pos++
	return t.text, nil
}

func (p *optParser) number(option string, hi int) (int, error) {
	t, ok := p.peek()
	if !ok || t.kind != tokNumber {
		return 0, refuse(option, "%s needs a number", option)
	}
	p.pos++
	n, err := strconv.Atoi(t.text)
	if err != nil || n > hi {
		return 0, refuse(option, "%s %s is out of range (0 to %d)", option, t.text, hi)
	}
	return n, nil
}

func (p *optParser) mark(option string) error {
	if p.seen[option] {
		return refuse(option, "%s given twice", option)
	}
	p.seen[option] = true
	return nil
}

func (p *optParser) parse(o *Options) error {
	for {
		t, ok := p.peek()
		if !ok {
			return nil
		}
		p.pos++
		switch t.kind {
		case tokComma:
			continue
		case tokString:
			return refuse("", "unexpected quoted string '%s'", t.text)
		case tokNumber:
			return refuse("", "unexpected number %s", t.text)
		}
		kw := strings.ToUpper(t.text)
		if kw == "FORMAT" {
			if err := p.mark(kw); err != nil {
				return err
			}
			p.optionalAS()
			f, ok := p.peek()
			if !ok || f.kind != tokWord {
				return refuse(kw, "FORMAT needs a data format (JSON or CSV)")
			}
			p.pos++
			kw = strings.ToUpper(f.text)
			switch kw {
			case "JSON", "CSV", "AVRO", "PARQUET", "ORC", "FIXEDWIDTH", "SHAPEFILE":
			default:
				return refuse("FORMAT", "FORMAT %s is not a data format", f.text)
			}
		}
		if err := p.option(kw, o); err != nil {
			return err
		}
	}
}

func (p *optParser) option(kw string, o *Options) error {
	if reason, ok := refused[kw]; ok {
		return refuse(kw, "%s", reason)
	}
	if kw == "QUOTE" && p.seen["QUOTE"] {
		return refuse(kw, "QUOTE given twice")
	}
	if kw != "QUOTE" {
		if err := p.mark(kw); err != nil {
			return err
		}
	}
	if kw == "JSON" && p.seen["CSV"] {
		return refuse("JSON", "JSON cannot be used with CSV")
	}
	if kw == "CSV" && p.seen["JSON"] {
		return refuse("CSV", "CSV cannot be used with JSON")
	}
	switch kw {
	case "JSON":
		o.Format = FormatJSON
		as := p.peekWord("AS")
		p.optionalAS()
		if t, ok := p.peek(); !as && (!ok || t.kind != tokString) {
			return nil // 'auto' is the default
		}
		arg, err := p.str(kw)
		if err != nil {
			return err
		}
		switch {
		case strings.EqualFold(arg, "auto"):
		case strings.EqualFold(arg, "auto ignorecase"):
			o.JSONIgnoreCase = true
		case strings.HasPrefix(strings.ToLower(arg), "s3://"):
			return refuse(kw, "JSON '%s': JSONPaths files are not supported; use JSON 'auto' or JSON 'auto ignorecase'", arg)
		case strings.EqualFold(arg, "noshred"):
			return refuse(kw, "JSON 'noshred' is not supported (it loads into a SUPER column); use JSON 'auto' or JSON 'auto ignorecase'")
		default:
			return refuse(kw, "JSON '%s' is not a JSON option; use JSON 'auto' or JSON 'auto ignorecase'", arg)
		}
	case "CSV":
		o.Format = FormatCSV
		if p.peekWord("QUOTE") {
			p.pos++
			return p.option("QUOTE", o)
		}
	case "QUOTE":
		p.seen["QUOTE"] = true
		p.optionalAS()
		c, err := p.char(kw)
		if err != nil {
			return err
		}
		o.Quote = c
	case "DELIMITER":
		p.optionalAS()
		c, err := p.char(kw)
		if err != nil {
			return err
		}
		o.Delimiter = c
	case "GZIP":
		o.Gzip = true
	case "NULL":
		if !p.peekWord("AS") {
			return refuse(kw, "NULL needs AS 'null_string'")
		}
		p.pos++
		s, err := p.str("NULL AS")
		if err != nil {
			return err
		}
		if s == `\0` || s == `\000` {
			s = "\x00"
		}
		if strings.ContainsAny(s, "\n\r") {
			return refuse("NULL AS", "NULL AS cannot contain a newline or carriage return")
		}
		o.NullAs, o.HasNullAs = s, true
	case "EMPTYASNULL":
		o.EmptyAsNull = true
	case "BLANKSASNULL":
		o.BlanksAsNull = true
	case "TIMEFORMAT":
		p.optionalAS()
		s, err := p.str(kw)
		if err != nil {
			return err
		}
		switch s {
		case TimeAuto, TimeEpochSecs, TimeEpochMilli:
			o.TimeFormat = s
		default:
			return refuse(kw, "TIMEFORMAT '%s' is not supported: use 'auto', 'epochsecs' or 'epochmillisecs'", s)
		}
	case "DATEFORMAT":
		p.optionalAS()
		s, err := p.str(kw)
		if err != nil {
			return err
		}
		if s != TimeAuto {
			return refuse(kw, "DATEFORMAT '%s' is not supported: use 'auto'", s)
		}
		o.DateFormat = s
	case "TRUNCATECOLUMNS":
		o.TruncateCols = true
	case "MAXERROR":
		p.optionalAS()
		n, err := p.number(kw, MaxMaxError)
		if err != nil {
			return err
		}
		o.MaxError, o.HasMaxError = n, true
	case "IGNOREALLERRORS":
		o.IgnoreAll = true
	case "ACCEPTINVCHARS":
		as := p.peekWord("AS")
		p.optionalAS()
		o.AcceptInvChars = '?'
		if t, ok := p.peek(); as || ok && t.kind == tokString {
			c, err := p.char(kw)
			if err != nil {
				return err
			}
			if c == 0 || c >= 0x80 {
				return refuse(kw, "ACCEPTINVCHARS replacement must be an ASCII character other than NUL")
			}
			o.AcceptInvChars = c
		}
	case "IGNOREHEADER":
		p.optionalAS()
		n, err := p.number(kw, 1<<30)
		if err != nil {
			return err
		}
		o.IgnoreHeader = n
	case "IGNOREBLANKLINES":
		o.IgnoreBlank = true
	case "FILLRECORD":
		o.FillRecord = true
	case "TRIMBLANKS":
		o.TrimBlanks = true
	case "ESCAPE":
		o.Escape = true
	case "ROUNDEC":
		o.RoundDec = true
	case "ENCODING":
		p.optionalAS()
		t, ok := p.peek()
		if !ok || t.kind != tokWord && t.kind != tokString {
			return refuse(kw, "ENCODING needs an encoding")
		}
		p.pos++
		switch strings.ToUpper(t.text) {
		case "UTF8", "UTF-8":
			o.Encoding = true
		default:
			return refuse(kw, "ENCODING %s is not supported: the staged data must be UTF8", t.text)
		}
	case "COMPUPDATE":
		o.HasCompUpdate, o.CompUpdate = true, "ON"
		for _, v := range []string{"PRESET", "ON", "TRUE", "OFF", "FALSE"} {
			if p.peekWord(v) {
				p.pos++
				o.CompUpdate = v
				break
			}
		}
	case "STATUPDATE":
		o.HasStatUpdate, o.StatUpdate = true, true
		switch {
		case p.peekWord("ON"), p.peekWord("TRUE"):
			p.pos++
		case p.peekWord("OFF"), p.peekWord("FALSE"):
			p.pos++
			o.StatUpdate = false
		}
	default:
		return refuse(kw, "unknown COPY option %s", kw)
	}
	return nil
}

// char reads a quoted single-character argument: a character, or one of
// the escapes \t \n \r \\ \' or \ddd (octal) as Redshift allows for
// DELIMITER.
func (p *optParser) char(option string) (byte, error) {
	s, err := p.str(option)
	if err != nil {
		return 0, err
	}
	c, ok := decodeChar(s)
	if !ok || c == 0 {
		return 0, refuse(option, "%s '%s' must be a single ASCII character other than NUL", option, s)
	}
	return c, nil
}

func decodeChar(s string) (byte, bool) {
	if len(s) == 1 {
		return s[0], s[0] < 0x80
	}
	if len(s) < 2 || s[0] != '\\' {
		return 0, false
	}
	if len(s) == 2 {
		switch s[1] {
		case 't':
			return '\t', true
		case 'n':
			return '\n', true
		case 'r':
			return '\r', true
		case '\\', '\'':
			return s[1], true
		}
		if s[1] >= '0' && s[1] <= '7' {
			return s[1] - '0', true
		}
		return 0, false
	}
	if len(s) > 4 {
		return 0, false
	}
	n := 0
	for _, d := range s[1:] {
		if d < '0' || d > '7' {
			return 0, false
		}
		n = n*8 + int(d-'0')
	}
	return byte(n), n < 0x80
}

// check refuses combinations Redshift refuses.
func (o *Options) check(seen map[string]bool) error {
	if o.Format == FormatJSON {
		for _, kw := range []string{"CSV", "DELIMITER", "NULL", "ESCAPE", "FILLRECORD", "IGNOREBLANKLINES", "QUOTE"} {
			if seen[kw] {
				name := kw
				if kw == "NULL" {
					name = "NULL AS"
				}
				return refuse(name, "%s cannot be used with JSON", name)
			}
		}
	}
	if seen["QUOTE"] && o.Format != FormatCSV {
		return refuse("QUOTE", "QUOTE can be used only with CSV")
	}
	if o.Format == FormatCSV && o.Escape {
		return refuse("ESCAPE", "ESCAPE cannot be used with CSV")
	}
	if o.IgnoreAll && o.HasMaxError {
		return refuse("IGNOREALLERRORS", "IGNOREALLERRORS cannot be used with MAXERROR")
	}
	if o.Format != FormatJSON {
		d := o.delimiter()
		switch {
		case d == '\n' || d == '\r' || d == 0:
			return refuse("DELIMITER", "DELIMITER cannot be a newline, carriage return or NUL")
		case o.Format == FormatCSV && d == o.quote():
			return refuse("DELIMITER", "DELIMITER and QUOTE cannot be the same character")
		case o.Escape && d == '\\':
			return refuse("DELIMITER", "DELIMITER cannot be the backslash when ESCAPE is used")
		}
		if o.Format == FormatCSV {
			if q := o.quote(); q == '\n' || q == '\r' || q == 0 {
				return refuse("QUOTE", "QUOTE cannot be a newline, carriage return or NUL")
			}
		}
		if o.HasNullAs && o.NullAs != "" && strings.IndexByte(o.NullAs, d) >= 0 {
			return refuse("NULL AS", "NULL AS cannot contain the delimiter")
		}
	}
	return nil
}

// String returns o as canonical COPY options, which ParseCopyOptions
// parses back to o.
func (o Options) String() string {
	var w []string
	switch o.Format {
	case FormatJSON:
		if o.JSONIgnoreCase {
			w = append(w, "JSON 'auto ignorecase'")
		} else {
			w = append(w, "JSON 'auto'")
		}
	case FormatCSV:
		w = append(w, "CSV")
		if o.Quote != 0 {
			w = append(w, "QUOTE AS "+quoteChar(o.Quote))
		}
	}
	if o.Delimiter != 0 {
		w = append(w, "DELIMITER AS "+quoteChar(o.Delimiter))
	}
	if o.Gzip {
		w = append(w, "GZIP")
	}
	if o.HasNullAs {
		if o.NullAs == "\x00" {
			w = append(w, `NULL AS '\000'`)
		} else {
			w = append(w, "NULL AS "+quoteString(o.NullAs))
		}
	}
	flags := []struct {
		on bool
		kw string
	}{
		{o.EmptyAsNull, "EMPTYASNULL"}, {o.BlanksAsNull, "BLANKSASNULL"}, {o.TruncateCols, "TRUNCATECOLUMNS"},
		{o.IgnoreAll, "IGNOREALLERRORS"}, {o.IgnoreBlank, "IGNOREBLANKLINES"}, {o.FillRecord, "FILLRECORD"},
		{o.TrimBlanks, "TRIMBLANKS"}, {o.Escape, "ESCAPE"}, {o.RoundDec, "ROUNDEC"}, {o.Encoding, "ENCODING UTF8"},
	}
	for _, f := range flags {
		if f.on {
			w = append(w, f.kw)
		}
	}
	if o.TimeFormat != "" {
		w = append(w, "TIMEFORMAT AS '"+o.TimeFormat+"'")
	}
	if o.DateFormat != "" {
		w = append(w, "DATEFORMAT AS '"+o.DateFormat+"'")
	}
	if o.HasMaxError {
		w = append(w, "MAXERROR AS "+strconv.Itoa(o.MaxError))
	}
	if o.AcceptInvChars != 0 {
		w = append(w, "ACCEPTINVCHARS AS "+quoteChar(o.AcceptInvChars))
	}
	if o.IgnoreHeader != 0 {
		w = append(w, "IGNOREHEADER AS "+strconv.Itoa(o.IgnoreHeader))
	}
	if o.HasCompUpdate {
		w = append(w, "COMPUPDATE "+o.CompUpdate)
	}
	if o.HasStatUpdate {
		if o.StatUpdate {
			w = append(w, "STATUPDATE ON")
		} else {
			w = append(w, "STATUPDATE OFF")
		}
	}
	return strings.Join(w, " ")
}

func quoteChar(c byte) string {
	switch {
	case c == '\\':
		return `'\\'`
	case c == '\'':
		return `''''`
	case c >= 0x20 && c < 0x7f:
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf(`'\%03o'`, c)
}

// quoteString quotes a lexed string so that lexOptions returns it again:
// a backslash keeps the character after it, a lone quote is doubled.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			b.WriteByte('\\')
			b.WriteByte(s[i+1])
			i++
		case s[i] == '\'':
			b.WriteString("''")
		default:
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('\'')
	return b.String()
}
