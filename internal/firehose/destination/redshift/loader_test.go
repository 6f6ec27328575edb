package redshift

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/firehose/destination/redshift/pgtest"
)

var tableSeq atomic.Int64

// newTable creates a table from ddl, where %s is its (unique) name.
func newTable(t *testing.T, ddl string) string {
	t.Helper()
	name := fmt.Sprintf("t%d", tableSeq.Add(1))
	if err := pg.Get(t).Exec(context.Background(), fmt.Sprintf(ddl, name)); err != nil {
		t.Fatalf("create table: %v", err)
	}
	return name
}

// query returns the rows of sql, each as its values joined by "|" (NULL
// as <null>).
func query(t *testing.T, sql string) []string {
	t.Helper()
	ctx := context.Background()
	c, err := pg.Get(t).Connect(ctx, "sluice")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				parts[i] = "<null>"
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func config(t *testing.T, table, options string) Config {
	t.Helper()
	return Config{JDBCURL: pg.Get(t).JDBCURL(pgtest.Database), Username: pgtest.Superuser, Table: table, CopyOptions: options}
}

func load(t *testing.T, cfg Config, bodies ...string) (Report, error) {
	t.Helper()
	var l Loader
	defer l.Close()
	objs := make([]Object, len(bodies))
	for i, b := range bodies {
		objs[i] = Object{Key: fmt.Sprintf("stream/2024/01/02/03/obj-%d", i+1), Body: []byte(b)}
	}
	return l.LoadReport(context.Background(), cfg, objs)
}

func mustLoad(t *testing.T, cfg Config, bodies ...string) Report {
	t.Helper()
	rep, err := load(t, cfg, bodies...)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return rep
}

func loadError(t *testing.T, err error, code string) *LoadError {
	t.Helper()
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LoadError %s", err, code)
	}
	if le.Code != code {
		t.Fatalf("code = %s, want %s (%s)", le.Code, code, le.Message)
	}
	if !strings.HasPrefix(le.Message, DocumentedMessage(code)) {
		t.Errorf("message %q does not start with AWS's message", le.Message)
	}
	return le
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}
}

func TestLoadJSONAuto(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int, name varchar(20), tags text, meta jsonb, active boolean, price numeric(6,2), note text)`)
	body := `{"id":1,"name":"alpha","tags":["a","b"],"meta":{"k": [1, 2]},"active":true,"price":"12.50","ignored":1}
{"id":2,"Name":"upper key is not name under 'auto'","note":"line\nbreak\ttab \\ backslash"}  {"id":3,"name":null,"price":7}
{
  "id": 4,
  "name": "pretty",
  "note": ""
}`
	rep := mustLoad(t, config(t, tbl, "JSON 'auto'"), body)
	if rep.Rows != 4 || rep.Rejected != 0 || rep.Attempts != 1 {
		t.Errorf("report = %+v", rep)
	}
	equal(t, query(t, "SELECT id, name, tags, meta::text, active, price::text, note FROM "+tbl+" ORDER BY id"), []string{
		`1|alpha|["a","b"]|{"k": [1, 2]}|true|12.50|<null>`,
		"2|<null>|<null>|<null>|<null>|<null>|line\nbreak\ttab \\ backslash",
		"3|<null>|<null>|<null>|<null>|7.00|<null>",
		"4|pretty|<null>|<null>|<null>|<null>|",
	})
}

func TestLoadJSONAutoIgnoreCase(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int, user_name text)`)
	mustLoad(t, config(t, tbl, "format as json 'auto ignorecase'"), `{"ID":1,"User_Name":"a"}{"id":2,"USER_NAME":"b","user_name":"last wins"}`)
	equal(t, query(t, "SELECT id, user_name FROM "+tbl+" ORDER BY id"), []string{"1|a", "2|last wins"})
}

func TestLoadCSV(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int, name text, note text)`)
	body := "id,name,note\r\n" +
		"1,plain,\"with, comma\"\r\n" +
		"2, \"spaces around quotes\" ,\"say \"\"hi\"\"\"\n" +
		"3,\"multi\nline\",\n" +
		"4,\\N,x\n"
	mustLoad(t, config(t, tbl, "CSV IGNOREHEADER 1"), body)
	equal(t, query(t, "SELECT id, name, note FROM "+tbl+" ORDER BY id"), []string{
		"1|plain|with, comma",
		`2|spaces around quotes|say "hi"`,
		"3|multi\nline|",
		"4|<null>|x",
	})

	tbl2 := newTable(t, `CREATE TABLE %s (id int, name text)`)
	mustLoad(t, config(t, tbl2, "CSV QUOTE AS '%' DELIMITER ';'"), "1;%a;b%\n2;%50%% off%\n")
	equal(t, query(t, "SELECT id, name FROM "+tbl2+" ORDER BY id"), []string{"1|a;b", "2|50% off"})
}

func TestLoadDelimitedText(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int, name text, n int)`)
	mustLoad(t, config(t, tbl, ""), "1|pipe is the default|\\N\n2|x|5")
	mustLoad(t, config(t, tbl, `DELIMITER '\t'`), "3\ttab\t7\n")
	mustLoad(t, config(t, tbl, `DELIMITER AS ',' ESCAPE`), "4,esc\\,aped \\\\ \\\nnewline,8\n")
	mustLoad(t, config(t, tbl, `DELIMITER ',' FILLRECORD IGNOREBLANKLINES`), "5\n\n6,short\n")
	equal(t, query(t, "SELECT id, name, n FROM "+tbl+" ORDER BY id"), []string{
		"1|pipe is the default|<null>",
		"2|x|5",
		"3|tab|7",
		"4|esc,aped \\ \nnewline|8",
		"5||<null>",
		"6|short|<null>",
	})
}

func gz(t *testing.T, s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestLoadGzip(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int, name text)`)
	mustLoad(t, config(t, tbl, "JSON 'auto' GZIP"), gz(t, `{"id":1,"name":"a"}`), gz(t, `{"id":2,"name":"b"}`))
	equal(t, query(t, "SELECT id, name FROM "+tbl+" ORDER BY id"), []string{"1|a", "2|b"})

	_, err := load(t, config(t, tbl, "JSON 'auto' GZIP"), `{"id":3}`)
	le := loadError(t, err, CodeDataLoadFailed)
	if !strings.Contains(le.Message, "GZIP") {
		t.Errorf("message %q does not say GZIP", le.Message)
	}
}

func TestLoadNullOptions(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int, a varchar(10), b text, n int)`)
	// Without options: empty text stays empty, empty int is NULL.
	mustLoad(t, config(t, tbl, "DELIMITER ','"), "1,,  ,\n")
	mustLoad(t, config(t, tbl, "DELIMITER ',' NULL AS 'nil'"), "2,nil,x,nil\n")
	mustLoad(t, config(t, tbl, "DELIMITER ',' EMPTYASNULL"), "3,,  , \n")
	mustLoad(t, config(t, tbl, "DELIMITER ',' BLANKSASNULL"), "4,,  ,\n")
	mustLoad(t, config(t, tbl, "CSV EMPTYASNULL BLANKSASNULL"), "5,,\"  \",\n")
	mustLoad(t, config(t, tbl, "JSON 'auto' EMPTYASNULL"), `{"id":6,"a":"","b":" ","n":""}`)
	mustLoad(t, config(t, tbl, "DELIMITER ',' NULL AS '\\0'"), "7,\x00,x,1\n")
	equal(t, query(t, "SELECT id, a, b, n FROM "+tbl+" ORDER BY id"), []string{
		"1||  |<null>",
		"2|<null>|x|<null>",
		"3|<null>|  |<null>",
		"4||<null>|<null>",
		"5|<null>|<null>|<null>",
		"6|<null>| |<null>",
		"7|<null>|x|1",
	})
}

func TestLoadColumns(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int NOT NULL, name text, created text DEFAULT 'dflt', extra int)`)
	cfg := config(t, tbl, "DELIMITER ','")
	cfg.Columns = "name, ID"
	mustLoad(t, cfg, "a,1\nb,2\n")
	cfg = config(t, tbl, "JSON 'auto'")
	cfg.Columns = `id,"extra"`
	mustLoad(t, cfg, `{"id":3,"extra":9,"name":"not listed"}`)
	equal(t, query(t, "SELECT id, name, created, extra FROM "+tbl+" ORDER BY id"), []string{
		"1|a|dflt|<null>", "2|b|dflt|<null>", "3|<null>|dflt|9",
	})

	cfg = config(t, tbl, "JSON 'auto'")
	cfg.Columns = "name"
	_, err := load(t, cfg, `{"name":"x"}`)
	loadError(t, err, CodeMissingColumn)

	cfg.Columns = "id,nosuch"
	_, err = load(t, cfg, `{"id":1}`)
	le := loadError(t, err, CodeColumnNotFound)
	if !strings.Contains(le.Message, "nosuch") {
		t.Errorf("message %q does not name the column", le.Message)
	}
}

func TestLoadIdentityColumnsOmitted(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int GENERATED BY DEFAULT AS IDENTITY, seq serial, name text)`)
	mustLoad(t, config(t, tbl, "JSON 'auto'"), `{"id":100,"seq":100,"name":"a"}{"name":"b"}`)
	equal(t, query(t, "SELECT id, seq, name FROM "+tbl+" ORDER BY id"), []string{"1|1|a", "2|2|b"})
}

func TestLoadTableNotFound(t *testing.T) {
	t.Parallel()
	_, err := load(t, config(t, "no_such_table", "JSON 'auto'"), `{"id":1}`)
	le := loadError(t, err, CodeTableNotFound)
	if le.Attempts != 1 {
		t.Errorf("attempts = %d, want 1 with RetryDuration 0", le.Attempts)
	}
	_, err = load(t, config(t, "no_such_schema.t", "JSON 'auto'"), `{"id":1}`)
	loadError(t, err, CodeTableNotFound)
}

func TestLoadAuthentication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl := newTable(t, `CREATE TABLE %s (id int)`)
	role := "firehose_" + tbl
	if err := pg.Get(t).Exec(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'right-password'; GRANT INSERT, SELECT ON %s TO %s", role, tbl, role)); err != nil {
		t.Fatal(err)
	}
	var l Loader
	defer l.Close()
	cfg := config(t, tbl, "JSON 'auto'")
	cfg.Username, cfg.Password = role, "wrong-password"
	err := l.Load(ctx, cfg, []Object{{Key: "k", Body: []byte(`{"id":1}`)}})
	loadError(t, err, CodeAuthenticationFailed)
	cfg.Password = "right-password"
	if err := l.Load(ctx, cfg, []Object{{Key: "k", Body: []byte(`{"id":2}`)}}); err != nil {
		t.Fatal(err)
	}
	equal(t, query(t, "SELECT id FROM "+tbl), []string{"2"})

	other := newTable(t, `CREATE TABLE %s (id int)`)
	cfg.Table = other
	err = l.Load(ctx, cfg, []Object{{Key: "k", Body: []byte(`{"id":3}`)}})
	loadError(t, err, CodeInsufficientPrivilege)
}

func TestLoadConnectionErrors(t *testing.T) {
	t.Parallel()
	cfg := config(t, "t", "JSON 'auto'")
	cfg.JDBCURL = pg.Get(t).JDBCURL("no_such_db")
	_, err := load(t, cfg, `{"id":1}`)
	loadError(t, err, CodeDatabaseNotFound)

	// A port nobody listens on.
	cfg.JDBCURL = "jdbc:redshift://dev.redshift.localhost:1/dev"
	_, err = load(t, cfg, `{"id":1}`)
	loadError(t, err, CodeConnectionFailed)
}

func TestLoadMaxError(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int NOT NULL, name varchar(5))`)
	body := `{"id":1,"name":"ok"}
{"id":"x","name":"bad int"}
garbage
{"id":3,"name":"ok"}
{"name":"no id"}
{"id":4,"name":"too long for varchar 5"}
{"id":5,"name":"ok"}`
	// Four bad rows: MAXERROR 4 fails, MAXERROR 5 loads the rest.
	_, err := load(t, config(t, tbl, "JSON 'auto' MAXERROR 4"), body)
	le := loadError(t, err, CodeDataLoadFailed)
	if len(le.Errors) != 4 {
		t.Errorf("errors = %v, want 4", le.Errors)
	}
	equal(t, query(t, "SELECT count(*) FROM "+tbl), []string{"0"})

	rep := mustLoad(t, config(t, tbl, "JSON 'auto' MAXERROR AS 5"), body)
	if rep.Rows != 3 || rep.Rejected != 4 {
		t.Errorf("report = %+v, want 3 rows loaded and 4 rejected", rep)
	}
	lines := []int{}
	for _, e := range rep.Errors {
		lines = append(lines, e.Line)
		if e.Key != "stream/2024/01/02/03/obj-1" || e.Reason == "" {
			t.Errorf("row error %+v", e)
		}
	}
	if !reflect.DeepEqual(lines, []int{3, 2, 5, 6}) { // Go-side rejections first, then PostgreSQL's
		t.Errorf("rejected lines = %v", lines)
	}
	equal(t, query(t, "SELECT id, name FROM "+tbl+" ORDER BY id"), []string{"1|ok", "3|ok", "5|ok"})

	tbl2 := newTable(t, `CREATE TABLE %s (id int PRIMARY KEY)`)
	rep = mustLoad(t, config(t, tbl2, "IGNOREALLERRORS"), "1\n1\n2\n2\n3\n")
	if rep.Rows != 3 || rep.Rejected != 2 {
		t.Errorf("report = %+v, want 3 loaded and 2 duplicates rejected", rep)
	}
}

func TestLoadOneTransaction(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int)`)
	_, err := load(t, config(t, tbl, "JSON 'auto'"), `{"id":1}{"id":2}`, `{"id":3}{"id":"x"}`)
	loadError(t, err, CodeDataLoadFailed)
	equal(t, query(t, "SELECT count(*) FROM "+tbl), []string{"0"})
	_, err = load(t, config(t, tbl, "JSON 'auto' MAXERROR 1"), `{"id":1}`, `{"id":3}garbage`)
	loadError(t, err, CodeDataLoadFailed)
	equal(t, query(t, "SELECT count(*) FROM "+tbl), []string{"0"})
}

// fakeClock is a clock that only sleeps move.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
	onWake func(n int)
}

func (c *fakeClock) loader() *Loader {
	return &Loader{
		Now: func() time.Time { return c.now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			c.sleeps = append(c.sleeps, d)
			c.now = c.now.Add(d)
			if c.onWake != nil {
				c.onWake(len(c.sleeps))
			}
			return ctx.Err()
		},
	}
}

func TestLoadRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	objs := []Object{{Key: "k", Body: []byte(`{"id":1}`)}}
	name := fmt.Sprintf("late%d", tableSeq.Add(1))

	clock := &fakeClock{now: time.Unix(1e9, 0)}
	l := clock.loader()
	defer l.Close()
	cfg := config(t, name, "JSON 'auto'")
	cfg.RetryDuration = 20 * time.Minute
	err := l.Load(ctx, cfg, objs)
	le := loadError(t, err, CodeTableNotFound)
	if le.Attempts != 5 || !reflect.DeepEqual(clock.sleeps, []time.Duration{5 * time.Minute, 5 * time.Minute, 5 * time.Minute, 5 * time.Minute}) {
		t.Errorf("attempts %d, sleeps %v; want 5 attempts 5 minutes apart", le.Attempts, clock.sleeps)
	}

	clock = &fakeClock{now: time.Unix(1e9, 0)}
	l = clock.loader()
	defer l.Close()
	cfg.RetryDuration = 7 * time.Minute
	err = l.Load(ctx, cfg, objs)
	le = loadError(t, err, CodeTableNotFound)
	if le.Attempts != 3 || !reflect.DeepEqual(clock.sleeps, []time.Duration{5 * time.Minute, 2 * time.Minute}) {
		t.Errorf("attempts %d, sleeps %v; want 3 attempts, the last at the end of the retry duration", le.Attempts, clock.sleeps)
	}

	// The table appears during the second wait: the third attempt loads.
	clock = &fakeClock{now: time.Unix(1e9, 0)}
	clock.onWake = func(n int) {
		if n == 2 {
			if err := pg.Get(t).Exec(ctx, "CREATE TABLE "+name+" (id int)"); err != nil {
				t.Error(err)
			}
		}
	}
	l = clock.loader()
	defer l.Close()
	cfg.RetryDuration = time.Hour
	rep, err := l.LoadReport(ctx, cfg, objs)
	if err != nil || rep.Attempts != 3 {
		t.Fatalf("report %+v, err %v; want loaded on attempt 3", rep, err)
	}
	equal(t, query(t, "SELECT id FROM "+name), []string{"1"})
}

func TestLoadContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	l := &Loader{Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }}
	defer l.Close()
	cfg := config(t, "no_such_table", "JSON 'auto'")
	cfg.RetryDuration = time.Hour
	err := l.Load(ctx, cfg, []Object{{Key: "k", Body: []byte(`{}`)}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestLoadConversions(t *testing.T) {
	t.Parallel()
	tbl := newTable(t, `CREATE TABLE %s (id int, ts timestamp, tz timestamptz, d date, v varchar(3), amount numeric(8,2))`)
	mustLoad(t, config(t, tbl, "JSON 'auto' TIMEFORMAT 'epochsecs'"), `{"id":1,"ts":1700000000,"tz":"1700000000.5"}`)
	mustLoad(t, config(t, tbl, "JSON 'auto' TIMEFORMAT AS 'epochmillisecs'"), `{"id":2,"ts":1700000000123,"tz":1700000000123}`)
	mustLoad(t, config(t, tbl, "JSON 'auto' TIMEFORMAT 'auto' DATEFORMAT 'auto' TRUNCATECOLUMNS"), `{"id":3,"ts":"2024-02-03T04:05:06Z","tz":"2024-02-03T04:05:06+02:00","d":"2024-02-03","v":"abcdef"}`)
	mustLoad(t, config(t, tbl, "DELIMITER ','"), "4,,,,,20.259\n")
	mustLoad(t, config(t, tbl, "DELIMITER ',' ROUNDEC"), "5,,,,,20.259\n")
	mustLoad(t, config(t, tbl, "DELIMITER ',' ACCEPTINVCHARS AS '^' TRIMBLANKS"), "6,,,,a\xff  ,\n")
	equal(t, query(t, "SELECT id, ts::text, tz::text, d::text, v, amount::text FROM "+tbl+" ORDER BY id"), []string{
		"1|2023-11-14 22:13:20|2023-11-14 22:13:20.5+00|<null>|<null>|<null>",
		"2|2023-11-14 22:13:20.123|2023-11-14 22:13:20.123+00|<null>|<null>|<null>",
		"3|2024-02-03 04:05:06|2024-02-03 02:05:06+00|2024-02-03|abc|<null>",
		"4|<null>|<null>|<null>||20.25",
		"5|<null>|<null>|<null>||20.26",
		"6|<null>|<null>|<null>|a^|<null>",
	})

	_, err := load(t, config(t, tbl, "JSON 'auto'"), `{"id":7,"v":"abcdef"}`)
	loadError(t, err, CodeDataLoadFailed)
	_, err = load(t, config(t, tbl, "DELIMITER ','"), "8,,,,a\xff,\n")
	loadError(t, err, CodeDataLoadFailed)
}

func TestLoadStatUpdateAndSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema := fmt.Sprintf("s%d", tableSeq.Add(1))
	if err := pg.Get(t).Exec(ctx, fmt.Sprintf(`CREATE SCHEMA %s; CREATE TABLE %s."Mixed" (id int)`, schema, schema)); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, config(t, schema+`."Mixed"`, "JSON 'auto' STATUPDATE ON COMPUPDATE OFF"), `{"id":1}`)
	equal(t, query(t, fmt.Sprintf(`SELECT id FROM %s."Mixed"`, schema)), []string{"1"})
}

func TestLoadRefusedOptions(t *testing.T) {
	t.Parallel()
	_, err := load(t, config(t, "t", "JSON 's3://bucket/jsonpaths.json'"), `{}`)
	le := loadError(t, err, CodeIncorrectCopyOptions)
	if le.Attempts != 0 || !strings.Contains(le.Message, "JSONPaths") {
		t.Errorf("error %+v", le)
	}
}

func TestLoaderReusesConnections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tbl := newTable(t, `CREATE TABLE %s (id int)`)
	app := "sluice-reuse-" + tbl
	l := Loader{ApplicationName: app}
	cfg := config(t, tbl, "JSON 'auto'")
	count := func() string {
		return query(t, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"+app+"'")[0]
	}
	for i := range 3 {
		if err := l.Load(ctx, cfg, []Object{{Key: "k", Body: []byte(fmt.Sprintf(`{"id":%d}`, i))}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(); got != "1" {
		t.Errorf("connections after 3 loads = %s, want 1", got)
	}
	l.Close()
	deadline := time.Now().Add(5 * time.Second)
	for count() != "0" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := count(); got != "0" {
		t.Errorf("connections after Close = %s, want 0", got)
	}
}

func TestLoadInvalidConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		edit func(*Config)
		code string
	}{
		{func(c *Config) { c.JDBCURL = "mysql://x" }, CodeConnectionFailed},
		{func(c *Config) { c.Username = "" }, CodeAuthenticationFailed},
		{func(c *Config) { c.Table = "a b" }, CodeSyntaxError},
		{func(c *Config) { c.Columns = "a,,b" }, CodeSyntaxError},
		{func(c *Config) { c.CopyOptions = "FIXEDWIDTH 'a:1'" }, CodeIncorrectCopyOptions},
	}
	for _, tt := range tests {
		cfg := Config{JDBCURL: "jdbc:redshift://h.redshift.localhost:1/dev", Username: "u", Table: "t", RetryDuration: time.Hour}
		tt.edit(&cfg)
		var l Loader
		err := l.Load(context.Background(), cfg, nil)
		if le := loadError(t, err, tt.code); le.Attempts != 0 {
			t.Errorf("%+v: %d attempts, want 0", cfg, le.Attempts)
		}
	}
}
