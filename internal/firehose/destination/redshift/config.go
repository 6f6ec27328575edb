package redshift

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Config is a Redshift destination as Firehose's
// RedshiftDestinationConfiguration gives it.
type Config struct {
	// JDBCURL is ClusterJDBCURL: jdbc:redshift://host:port/db. Also
	// accepted: jdbc:postgresql://, postgres:// and postgresql:// URLs of
	// the same shape. The only query parameters accepted are sslmode
	// (disable, allow, prefer, require, verify-ca, verify-full; default
	// prefer) and the JDBC driver's ssl=true|false (require|disable).
	// Credentials never go in the URL. A host named localhost or ending in
	// .localhost is dialled at 127.0.0.1 (RFC 6761), so a URL that fits
	// AWS's ClusterJDBCURL pattern, such as
	// jdbc:redshift://dev.redshift.localhost:5432/dev, reaches a local
	// server. Without a port: 5439 (Redshift's) for jdbc:redshift, 5432
	// otherwise.
	JDBCURL  string
	Username string
	Password string
	// Table is DataTableName: table or schema.table, unquoted parts folded
	// to lower case as Redshift folds identifiers, "quoted" parts exact.
	Table string
	// Columns is DataTableColumns: a comma-separated list of column names
	// (same identifier rules), or empty for the table's columns.
	Columns     string
	CopyOptions string
	// RetryDuration is RetryOptions.DurationInSeconds (AWS's default is
	// 3600 s, its range 0 to 7200 s); 0 makes a single attempt.
	RetryDuration time.Duration
}

// MaxRetryDuration is the upper bound of RetryOptions.DurationInSeconds.
const MaxRetryDuration = 7200 * time.Second

// Validate parses the JDBC URL, the table, the columns and the COPY
// options. Its error message is meant for an InvalidArgumentException.
func (c Config) Validate() error {
	_, err := c.parse()
	return err
}

// parsed is a validated Config.
type parsed struct {
	target  target
	table   []string // schema (optional) and table, exact
	columns []string // exact; nil: the table's
	opts    Options
}

// configError is a Config that Validate refuses, with the code a load
// with it fails with.
type configError struct {
	code string
	err  error
}

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

func (c Config) parse() (parsed, error) {
	var p parsed
	var err error
	if p.target, err = parseJDBCURL(c.JDBCURL); err != nil {
		return p, &configError{CodeConnectionFailed, err}
	}
	if c.Username == "" {
		return p, &configError{CodeAuthenticationFailed, errors.New("missing Username: the user name COPY connects as is required")}
	}
	if p.table, err = parseTableName(c.Table); err != nil {
		return p, &configError{CodeSyntaxError, err}
	}
	if p.columns, err = parseColumns(c.Columns); err != nil {
		return p, &configError{CodeSyntaxError, err}
	}
	if p.opts, err = ParseCopyOptions(c.CopyOptions); err != nil {
		return p, &configError{CodeIncorrectCopyOptions, err}
	}
	if c.RetryDuration < 0 || c.RetryDuration > MaxRetryDuration {
		return p, &configError{CodeInternalError, fmt.Errorf("RetryOptions.DurationInSeconds must be between 0 and 7200, not %d", int64(c.RetryDuration/time.Second))}
	}
	return p, nil
}

// target is where a JDBC URL points.
type target struct {
	host     string // as written
	port     int
	database string
	sslmode  string
}

// dialHost is the host to connect to: names under .localhost are loopback.
func (t target) dialHost() string {
	h := strings.ToLower(strings.TrimSuffix(t.host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return "127.0.0.1"
	}
	return t.host
}

var sslModes = map[string]bool{"disable": true, "allow": true, "prefer": true, "require": true, "verify-ca": true, "verify-full": true}

func parseJDBCURL(s string) (target, error) {
	var t target
	bad := func(format string, args ...any) (target, error) {
		return target{}, fmt.Errorf("ClusterJDBCURL: "+format, args...)
	}
	var rest string
	t.port = 5432
	switch {
	case strings.HasPrefix(s, "jdbc:redshift://"):
		rest, t.port = s[len("jdbc:redshift://"):], 5439
	case strings.HasPrefix(s, "jdbc:postgresql://"):
		rest = s[len("jdbc:postgresql://"):]
	case strings.HasPrefix(s, "postgres://"):
		rest = s[len("postgres://"):]
	case strings.HasPrefix(s, "postgresql://"):
		rest = s[len("postgresql://"):]
	case strings.HasPrefix(s, "jdbc:redshift:iam://"):
		return bad("IAM authentication (jdbc:redshift:iam://) is not supported; use jdbc:redshift://host:port/database with a user name and password")
	default:
		return bad("must look like jdbc:redshift://host:port/database (jdbc:postgresql:// and postgres:// also accepted)")
	}
	u, err := url.Parse("pg://" + rest)
	if err != nil {
		return bad("%v", unwrapURLError(err))
	}
	if u.User != nil {
		return bad("credentials do not go in the URL; use Username and Password")
	}
	if u.Fragment != "" || u.RawFragment != "" {
		return bad("unexpected fragment")
	}
	t.host = u.Hostname()
	if t.host == "" {
		return bad("no host")
	}
	if net.ParseIP(t.host) == nil && !validHostname(t.host) {
		return bad("invalid host %q", t.host)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("invalid port %q", p)
		}
		t.port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("empty port")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") || !strings.HasPrefix(u.Path, "/") {
		return bad("the path must be /database")
	}
	t.database = db
	t.sslmode = "prefer"
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("invalid query: %v", err)
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return bad("parameter %s given %d times", k, len(vs))
		}
		v := vs[0]
		switch k {
		case "sslmode":
			if !sslModes[v] {
				return bad("sslmode %q is not one of disable, allow, prefer, require, verify-ca, verify-full", v)
			}
			t.sslmode = v
		case "ssl":
			switch strings.ToLower(v) {
			case "true":
				t.sslmode = "require"
			case "false":
				t.sslmode = "disable"
			default:
				return bad("ssl must be true or false, not %q", v)
			}
		default:
			return bad("parameter %q is not supported (only sslmode and ssl are)", k)
		}
	}
	if q.Has("ssl") && q.Has("sslmode") {
		return bad("give ssl or sslmode, not both")
	}
	return t, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// parseTableName parses DataTableName: one or two identifiers joined by a
// dot.
func parseTableName(s string) ([]string, error) {
	parts, err := parseIdentList(s, '.', "DataTableName")
	if err != nil {
		return nil, err
	}
	if len(parts) > 2 {
		return nil, fmt.Errorf("DataTableName %q: give table or schema.table", s)
	}
	return parts, nil
}

// parseColumns parses DataTableColumns; empty or blank: nil.
func parseColumns(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	cols, err := parseIdentList(s, ',', "DataTableColumns")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c] {
			return nil, fmt.Errorf("DataTableColumns: column %q given twice", c)
		}
		seen[c] = true
	}
	return cols, nil
}

// MaxIdentifierLength is Redshift's identifier limit in bytes.
const MaxIdentifierLength = 127

// parseIdentList parses identifiers separated by sep, with white space
// around each. An unquoted identifier starts with a letter or underscore
// and goes on with letters, digits, underscores and dollar signs; it is
// folded to lower case. A "quoted" one is exact ("" is a quote).
func parseIdentList(s string, sep byte, field string) ([]string, error) {
	var out []string
	i := 0
	skipSpace := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
	}
	for {
		skipSpace()
		if i >= len(s) {
			return nil, fmt.Errorf("%s %q: a name is missing", field, s)
		}
		var name string
		if s[i] == '"' {
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("%s %q: unterminated quoted name", field, s)
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			name = b.String()
			if name == "" || strings.IndexByte(name, 0) >= 0 || !utf8.ValidString(name) {
				return nil, fmt.Errorf("%s %q: invalid quoted name", field, s)
			}
		} else {
			start := i
			for i < len(s) {
				r, n := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError && n <= 1 {
					return nil, fmt.Errorf("%s %q: invalid UTF-8", field, s)
				}
				ok := r == '_' || unicode.IsLetter(r) || i > start && (r == '$' || unicode.IsDigit(r))
				if !ok {
					break
				}
				i += n
			}
			if i == start {
				return nil, fmt.Errorf("%s %q: unexpected %q at offset %d", field, s, firstRune(s[i:]), i)
			}
			name = strings.ToLower(s[start:i])
		}
		if len(name) > MaxIdentifierLength {
			return nil, fmt.Errorf("%s %q: name longer than %d bytes", field, s, MaxIdentifierLength)
		}
		out = append(out, name)
		skipSpace()
		if i >= len(s) {
			return out, nil
		}
		if s[i] != sep {
			return nil, fmt.Errorf("%s %q: unexpected %q at offset %d", field, s, firstRune(s[i:]), i)
		}
		i++
	}
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
