package redshift

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"sluice/internal/firehose/destination/clock"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Defaults of Loader.
const (
	// DefaultRetryInterval is the time between COPY attempts: "Kinesis
	// Data Firehose retries every 5 minutes until the retry duration ends"
	// (create-destination.md, Retry duration).
	DefaultRetryInterval   = 5 * time.Minute
	DefaultConnectTimeout  = 30 * time.Second
	DefaultApplicationName = "sluice-firehose"
	// maxIdle is the number of idle connections kept per JDBC URL and user.
	maxIdle = 2
)

// Loader loads staged objects into PostgreSQL. Its zero value is ready;
// it is safe for concurrent use and must not be copied. Close closes its
// idle connections.
type Loader struct {
	// Sleep waits between attempts; nil: a timer that returns ctx's error
	// when ctx ends first.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of the retry duration; nil: time.Now.
	Now func() time.Time
	// RetryInterval is the time between attempts; 0: DefaultRetryInterval.
	RetryInterval time.Duration
	// ConnectTimeout bounds one connection attempt; 0: DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// ApplicationName is the connections' application_name; "":
	// DefaultApplicationName.
	ApplicationName string

	mu     sync.Mutex
	pools  map[poolKey]*idlePool
	closed bool
}

type poolKey struct{ url, user string }

type idlePool struct {
	password string
	idle     []*pgx.Conn
}

// Object is one staged S3 object: its key (for the manifest and error
// messages) and its bytes as staged (GZIP-compressed when the options say
// GZIP).
type Object struct {
	Key  string
	Body []byte
}

// Report is what a successful load did.
type Report struct {
	Rows     int64 // rows loaded
	Rejected int   // rows skipped under MAXERROR or IGNOREALLERRORS
	// Errors are the first MaxReportedRowErrors rejected rows.
	Errors   []RowError
	Attempts int
}

// Load runs one COPY (one transaction) of the objects' rows into the
// table, retrying failures every RetryInterval until cfg.RetryDuration has
// passed since the first failure. It returns nil when the rows are loaded,
// a *LoadError with Firehose's error code and message when the objects
// are to be skipped (the caller then writes their manifest, see
// Manifest), or ctx's error when ctx ends first (the objects are then
// neither loaded nor skipped).
func (l *Loader) Load(ctx context.Context, cfg Config, objs []Object) error {
	_, err := l.LoadReport(ctx, cfg, objs)
	return err
}

// LoadReport is Load, also returning what was loaded and which rows were
// rejected.
func (l *Loader) LoadReport(ctx context.Context, cfg Config, objs []Object) (Report, error) {
	p, err := cfg.parse()
	if err != nil {
		code := CodeInternalError
		var ce *configError
		if errors.As(err, &ce) {
			code = ce.code
		}
		return Report{}, newLoadError(code, "Sluice: "+err.Error(), err)
	}
	var first time.Time
	for attempt := 1; ; attempt++ {
		rep, lerr := l.attempt(ctx, cfg, p, objs)
		if ctx.Err() != nil {
			return Report{}, ctx.Err()
		}
		if lerr == nil {
			rep.Attempts = attempt
			return rep, nil
		}
		lerr.Attempts = attempt
		now := l.now()
		if first.IsZero() {
			first = now
		}
		left := cfg.RetryDuration - now.Sub(first)
		if left <= 0 {
			return Report{}, lerr
		}
		if err := l.sleep(ctx, min(l.retryInterval(), left)); err != nil {
			return Report{}, err
		}
	}
}

// errTooManyErrors stops a load at MAXERROR.
var errTooManyErrors = errors.New("too many rejected rows")

// batch counts rejected rows against the MAXERROR limit.
type batch struct {
	limit  int // 0: no limit
	count  int
	errs   []RowError
	loaded int64
}

func (b *batch) reject(e RowError) error {
	b.count++
	if len(b.errs) < MaxReportedRowErrors {
		b.errs = append(b.errs, e)
	}
	if b.limit > 0 && b.count >= b.limit {
		return errTooManyErrors
	}
	return nil
}

func (b *batch) failure(opts Options) *LoadError {
	limit := "MAXERROR 0"
	if opts.HasMaxError {
		limit = "MAXERROR " + strconv.Itoa(opts.MaxError)
	}
	detail := fmt.Sprintf("Sluice: %d rejected rows reached %s", b.count, limit)
	if len(b.errs) > 0 {
		detail += "; first: " + b.errs[0].String()
	}
	le := newLoadError(CodeDataLoadFailed, detail, nil)
	le.Errors = b.errs
	return le
}

// attempt is one COPY: connect, check the table, decode, load, commit.
func (l *Loader) attempt(ctx context.Context, cfg Config, p parsed, objs []Object) (Report, *LoadError) {
	conn, err := l.acquire(ctx, cfg, p.target)
	if err != nil {
		return Report{}, classify(err)
	}
	keep := false
	defer func() { l.release(cfg, conn, keep) }()
	if _, err := conn.Exec(ctx, "BEGIN"); err != nil {
		return Report{}, classify(err)
	}
	rep, lerr := l.load(ctx, conn, p, objs)
	if lerr != nil {
		_, rbErr := conn.Exec(ctx, "ROLLBACK")
		keep = rbErr == nil
		return Report{}, lerr
	}
	if _, err := conn.Exec(ctx, "COMMIT"); err != nil {
		return Report{}, classify(err)
	}
	keep = true
	return rep, nil
}

func (l *Loader) load(ctx context.Context, conn *pgx.Conn, p parsed, objs []Object) (Report, *LoadError) {
	tbl, cols, lerr := resolveTable(ctx, conn, p)
	if lerr != nil {
		return Report{}, lerr
	}
	b := &batch{limit: p.opts.errorLimit()}
	dec := newDecoder(p.opts, cols, b.reject)
	for _, o := range objs {
		if err := dec.object(o.Key, o.Body); err != nil {
			var oe *objectError
			if errors.As(err, &oe) {
				return Report{}, newLoadError(CodeDataLoadFailed, "Sluice: "+oe.Error(), err)
			}
			return Report{}, b.failure(p.opts)
		}
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = pgx.Identifier{c.name}.Sanitize()
	}
	sql := "COPY " + tbl + " (" + strings.Join(names, ", ") + ") FROM STDIN"
	if len(dec.rows) > 0 {
		if err := copyRows(ctx, conn, sql, dec.rows, b); err != nil {
			if errors.Is(err, errTooManyErrors) {
				return Report{}, b.failure(p.opts)
			}
			return Report{}, classify(err)
		}
	}
	if p.opts.StatUpdate {
		if _, err := conn.Exec(ctx, "ANALYZE "+tbl); err != nil {
			return Report{}, classify(err)
		}
	}
	return Report{Rows: b.loaded, Rejected: b.count, Errors: b.errs}, nil
}

// copyRows loads rows with COPY FROM STDIN under a savepoint. When
// PostgreSQL rejects a row (a data or constraint error, which names the
// line), the row is counted against MAXERROR, the rows before it are
// loaded again and the load goes on after it.
func copyRows(ctx context.Context, conn *pgx.Conn, sql string, rows []row, b *batch) error {
	for len(rows) > 0 {
		line, pgErr, err := copyOnce(ctx, conn, sql, rows)
		if err != nil {
			return err
		}
		if line == 0 {
			b.loaded += int64(len(rows))
			return nil
		}
		r := rows[line-1]
		re := RowError{Key: r.key, Line: r.line, Column: pgErr.ColumnName, Value: r.raw, Reason: pgErr.Message}
		if re.Column == "" {
			re.Column = whereColumn(pgErr.Where)
		}
		if err := b.reject(re); err != nil {
			return err
		}
		if err := copyRows(ctx, conn, sql, rows[:line-1], b); err != nil {
			return err
		}
		rows = rows[line:]
	}
	return nil
}

var copyLine = regexp.MustCompile(`^COPY .*?, line (\d+)(?:, column ([^:]*))?`)

// copyOnce runs one COPY of rows. It returns the 1-based line of a row
// PostgreSQL rejected with its error, or another error.
func copyOnce(ctx context.Context, conn *pgx.Conn, sql string, rows []row) (int, *pgconn.PgError, error) {
	var buf []byte
	for _, r := range rows {
		buf = copyText(buf, r)
	}
	if _, err := conn.Exec(ctx, "SAVEPOINT sluice_copy"); err != nil {
		return 0, nil, err
	}
	_, err := conn.PgConn().CopyFrom(ctx, bytes.NewReader(buf), sql)
	if err == nil {
		_, err = conn.Exec(ctx, "RELEASE SAVEPOINT sluice_copy")
		return 0, nil, err
	}
	if _, rbErr := conn.Exec(ctx, "ROLLBACK TO SAVEPOINT sluice_copy"); rbErr != nil {
		return 0, nil, err
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || !rowError(pgErr.Code) {
		return 0, nil, err
	}
	m := copyLine.FindStringSubmatch(pgErr.Where)
	if m == nil {
		return 0, nil, err
	}
	n, convErr := strconv.Atoi(m[1])
	if convErr != nil || n < 1 || n > len(rows) {
		return 0, nil, err
	}
	return n, pgErr, nil
}

// rowError reports whether SQLSTATE code rejects a row rather than the
// load: data exceptions (22) and integrity constraint violations (23).
func rowError(code string) bool {
	return strings.HasPrefix(code, "22") || strings.HasPrefix(code, "23")
}

func whereColumn(where string) string {
	if m := copyLine.FindStringSubmatch(where); m != nil {
		return strings.TrimSpace(m[2])
	}
	return ""
}

// resolveTable finds the table and its target columns.
func resolveTable(ctx context.Context, conn *pgx.Conn, p parsed) (string, []column, *LoadError) {
	tbl := pgx.Identifier(p.table).Sanitize()
	var oid uint32
	var kind string
	err := conn.QueryRow(ctx, `SELECT c.oid, c.relkind::text FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)`, tbl).Scan(&oid, &kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, newLoadError(CodeTableNotFound, fmt.Sprintf("Sluice: relation %s does not exist.", tbl), err)
	}
	if err != nil {
		return "", nil, classify(err)
	}
	if kind != "r" && kind != "p" && kind != "f" {
		return "", nil, newLoadError(CodeTableNotFound, fmt.Sprintf("Sluice: %s is not a table (relkind %s).", tbl, kind), nil)
	}
	rows, err := conn.Query(ctx, `
SELECT a.attname::text,
       COALESCE(bt.oid, t.oid)::int8,
       (CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END)::int8,
       COALESCE(bt.typcategory, t.typcategory)::text,
       a.attnotnull OR t.typnotnull,
       a.atthasdef,
       a.attidentity <> '' OR COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false),
       a.attgenerated <> ''
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`, oid)
	if err != nil {
		return "", nil, classify(err)
	}
	type attr struct {
		col                                      column
		notNull, hasDefault, identity, generated bool
	}
	var attrs []attr
	for rows.Next() {
		var a attr
		var typ, typmod int64
		var cat string
		if err := rows.Scan(&a.col.name, &typ, &typmod, &cat, &a.notNull, &a.hasDefault, &a.identity, &a.generated); err != nil {
			rows.Close()
			return "", nil, classify(err)
		}
		a.col.kind, a.col.length, a.col.scale = columnKind(uint32(typ), int32(typmod), cat)
		attrs = append(attrs, a)
	}
	if err := rows.Err(); err != nil {
		return "", nil, classify(err)
	}
	var cols []column
	if p.columns == nil {
		for _, a := range attrs {
			if !a.identity && !a.generated {
				cols = append(cols, a.col)
			}
		}
		if len(cols) == 0 {
			return "", nil, newLoadError(CodeColumnNotFound, fmt.Sprintf("Sluice: table %s has no columns to load.", tbl), nil)
		}
		return tbl, cols, nil
	}
	listed := map[string]bool{}
	for _, name := range p.columns {
		found := false
		for _, a := range attrs {
			if a.col.name == name {
				if a.generated {
					return "", nil, newLoadError(CodeColumnNotFound, fmt.Sprintf("Sluice: column %q of %s is a generated column and cannot be loaded.", name, tbl), nil)
				}
				cols, found = append(cols, a.col), true
				break
			}
		}
		if !found {
			return "", nil, newLoadError(CodeColumnNotFound, fmt.Sprintf("Sluice: column %q does not exist in %s.", name, tbl), nil)
		}
		listed[name] = true
	}
	for _, a := range attrs {
		if !listed[a.col.name] && a.notNull && !a.hasDefault && !a.identity && !a.generated {
			return "", nil, newLoadError(CodeMissingColumn, fmt.Sprintf("Sluice: column %q of %s is NOT NULL without a default and not in DataTableColumns.", a.col.name, tbl), nil)
		}
	}
	return tbl, cols, nil
}

// PostgreSQL type OIDs COPY's conversions care about.
const (
	oidBPChar      = 1042
	oidVarchar     = 1043
	oidDate        = 1082
	oidTimestamp   = 1114
	oidTimestampTZ = 1184
	oidNumeric     = 1700
)

func columnKind(typ uint32, typmod int32, category string) (colKind, int, int) {
	switch {
	case typ == oidTimestamp:
		return kindTimestamp, 0, 0
	case typ == oidTimestampTZ:
		return kindTimestampTZ, 0, 0
	case typ == oidDate:
		return kindDate, 0, 0
	case typ == oidNumeric:
		if typmod < 4 {
			return kindNumeric, 0, -1
		}
		return kindNumeric, 0, int((typmod - 4) & 0xffff)
	case category == "S":
		n := 0
		if (typ == oidVarchar || typ == oidBPChar) && typmod >= 4 {
			n = int(typmod - 4)
		}
		return kindChar, n, 0
	}
	return kindOther, 0, 0
}

// classify maps a connection or PostgreSQL error to Firehose's code.
func classify(err error) *LoadError {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := CodeInternalError
		switch c := pgErr.Code; {
		case c == "28P01" || c == "28000":
			code = CodeAuthenticationFailed
		case c == "3D000":
			code = CodeDatabaseNotFound
		case c == "42P01" || c == "3F000":
			code = CodeTableNotFound
		case c == "42703":
			code = CodeColumnNotFound
		case c == "42501":
			code = CodeInsufficientPrivilege
		case strings.HasPrefix(c, "42"):
			code = CodeSyntaxError
		case c == "53100":
			code = CodeDiskFull
		case c == "25006":
			code = CodeReadOnlyCluster
		case strings.HasPrefix(c, "08") || c == "57P01" || c == "57P02" || c == "57P03" || c == "53300":
			code = CodeConnectionFailed
		case rowError(c):
			code = CodeDataLoadFailed
		}
		return newLoadError(code, fmt.Sprintf("PostgreSQL: %s (SQLSTATE %s)", pgErr.Message, pgErr.Code), err)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return newLoadError(CodeConnectionFailed, "Sluice: "+err.Error(), err)
	}
	return newLoadError(CodeInternalError, "Sluice: "+err.Error(), err)
}

// acquire returns an idle connection for cfg (checked with a ping) or a
// new one.
func (l *Loader) acquire(ctx context.Context, cfg Config, t target) (*pgx.Conn, error) {
	key := poolKey{cfg.JDBCURL, cfg.Username}
	for {
		var c *pgx.Conn
		var stale []*pgx.Conn
		l.mu.Lock()
		if p := l.pools[key]; p != nil {
			if p.password != cfg.Password {
				stale, p.idle, p.password = p.idle, nil, cfg.Password
			} else if n := len(p.idle); n > 0 {
				c, p.idle = p.idle[n-1], p.idle[:n-1]
			}
		}
		l.mu.Unlock()
		closeAll(stale)
		if c == nil {
			return l.dial(ctx, cfg, t)
		}
		if !c.IsClosed() && c.Ping(ctx) == nil {
			return c, nil
		}
		closeAll([]*pgx.Conn{c})
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
}

// release keeps c for reuse when keep is true and c is idle outside a
// transaction; otherwise it closes it.
func (l *Loader) release(cfg Config, c *pgx.Conn, keep bool) {
	if keep && !c.IsClosed() && c.PgConn().TxStatus() == 'I' {
		key := poolKey{cfg.JDBCURL, cfg.Username}
		l.mu.Lock()
		if !l.closed {
			if l.pools == nil {
				l.pools = map[poolKey]*idlePool{}
			}
			p := l.pools[key]
			if p == nil {
				p = &idlePool{password: cfg.Password}
				l.pools[key] = p
			}
			if p.password == cfg.Password && len(p.idle) < maxIdle {
				p.idle = append(p.idle, c)
				c = nil
			}
		}
		l.mu.Unlock()
	}
	if c != nil {
		closeAll([]*pgx.Conn{c})
	}
}

// Close closes the idle connections; connections in use close when
// their load ends.
func (l *Loader) Close() {
	l.mu.Lock()
	var all []*pgx.Conn
	for _, p := range l.pools {
		all = append(all, p.idle...)
	}
	l.pools, l.closed = nil, true
	l.mu.Unlock()
	closeAll(all)
}

func closeAll(cs []*pgx.Conn) {
	for _, c := range cs {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = c.Close(ctx)
		cancel()
	}
}

func (l *Loader) dial(ctx context.Context, cfg Config, t target) (*pgx.Conn, error) {
	cc, err := pgx.ParseConfig(connString(t, cfg.Username))
	if err != nil {
		return nil, err
	}
	cc.Password = cfg.Password
	cc.ConnectTimeout = l.ConnectTimeout
	if cc.ConnectTimeout <= 0 {
		cc.ConnectTimeout = DefaultConnectTimeout
	}
	if cc.RuntimeParams == nil {
		cc.RuntimeParams = map[string]string{}
	}
	cc.RuntimeParams["application_name"] = cmp.Or(l.ApplicationName, DefaultApplicationName)
	cc.RuntimeParams["DateStyle"] = "ISO, MDY"
	cc.RuntimeParams["TimeZone"] = "UTC"
	return pgx.ConnectConfig(ctx, cc)
}

// connString is a keyword/value connection string for t.
func connString(t target, user string) string {
	q := func(s string) string {
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	}
	return fmt.Sprintf("host=%s port=%d dbname=%s user=%s sslmode=%s",
		q(t.dialHost()), t.port, q(t.database), q(user), t.sslmode)
}

func (l *Loader) now() time.Time { return clock.Now(l.Now) }

func (l *Loader) retryInterval() time.Duration {
	if l.RetryInterval > 0 {
		return l.RetryInterval
	}
	return DefaultRetryInterval
}

func (l *Loader) sleep(ctx context.Context, d time.Duration) error {
	return clock.Sleep(ctx, l.Sleep, d)
}
