package redshift

import (
	"strings"
	"testing"
	"time"
)

func TestParseJDBCURL(t *testing.T) {
	tests := []struct {
		in   string
		want target
	}{
		{"jdbc:redshift://examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com:5439/dev",
			target{"examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com", 5439, "dev", "prefer"}},
		{"jdbc:redshift://host.example/db", target{"host.example", 5439, "db", "prefer"}},
		{"jdbc:postgresql://127.0.0.1:5433/sluice?sslmode=disable", target{"127.0.0.1", 5433, "sluice", "disable"}},
		{"postgres://[::1]:6000/d?ssl=true", target{"::1", 6000, "d", "require"}},
		{"postgresql://db/x%20y", target{"db", 5432, "x y", "prefer"}},
	}
	for _, tt := range tests {
		got, err := parseJDBCURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseJDBCURL(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		"", "http://h:1/d", "jdbc:redshift://h:1", "jdbc:redshift://h:1/", "jdbc:redshift://h:1/a/b",
		"jdbc:redshift://user:pw@h:1/d", "jdbc:redshift://h:0/d", "jdbc:redshift://h:70000/d", "jdbc:redshift://h:/d",
		"jdbc:redshift://h:1/d?UID=x", "jdbc:redshift://h:1/d?sslmode=bogus", "jdbc:redshift://h:1/d?ssl=true&sslmode=require",
		"jdbc:redshift:iam://h:1/d", "jdbc:redshift://-bad-.example:1/d", "jdbc:redshift://h:1/d#frag", "jdbc:redshift://:1/d",
	} {
		if _, err := parseJDBCURL(in); err == nil {
			t.Errorf("parseJDBCURL(%q) accepted", in)
		} else if !strings.HasPrefix(err.Error(), "ClusterJDBCURL") {
			t.Errorf("parseJDBCURL(%q): %v does not name ClusterJDBCURL", in, err)
		}
	}
}

func TestDialHost(t *testing.T) {
	for in, want := range map[string]string{
		"dev.redshift.localhost": "127.0.0.1", "LOCALHOST": "127.0.0.1", "localhost.": "127.0.0.1",
		"example.com": "example.com", "notlocalhost": "notlocalhost",
	} {
		if got := (target{host: in}).dialHost(); got != want {
			t.Errorf("dialHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseIdentifiers(t *testing.T) {
	tables := map[string][]string{
		"Events":                 {"events"},
		"public.events":          {"public", "events"},
		` "My Schema" . "T""x" `: {"My Schema", `T"x`},
		"_t$1":                   {"_t$1"},
		"Ünïcode":                {"ünïcode"},
	}
	for in, want := range tables {
		got, err := parseTableName(in)
		if err != nil || strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("parseTableName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "a.b.c", "1abc", "a b", "a.", `"unterminated`, `""`, "a;drop", strings.Repeat("x", 128)} {
		if _, err := parseTableName(in); err == nil {
			t.Errorf("parseTableName(%q) accepted", in)
		}
	}
	cols, err := parseColumns(` id, Name ,"Mixed Case" `)
	if err != nil || strings.Join(cols, ",") != "id,name,Mixed Case" {
		t.Errorf("parseColumns = %q, %v", cols, err)
	}
	if cols, err := parseColumns("  "); err != nil || cols != nil {
		t.Errorf("parseColumns(blank) = %q, %v", cols, err)
	}
	for _, in := range []string{"a,,b", "a,", "a,A", "a b"} {
		if _, err := parseColumns(in); err == nil {
			t.Errorf("parseColumns(%q) accepted", in)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Config{JDBCURL: "jdbc:redshift://h.redshift.amazonaws.com:5439/dev", Username: "u", Table: "t", CopyOptions: "JSON 'auto'", RetryDuration: time.Hour}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		edit func(*Config)
		says string
	}{
		{func(c *Config) { c.JDBCURL = "x" }, "ClusterJDBCURL"},
		{func(c *Config) { c.Username = "" }, "Username"},
		{func(c *Config) { c.Table = "" }, "DataTableName"},
		{func(c *Config) { c.Columns = "a,a" }, "DataTableColumns"},
		{func(c *Config) { c.CopyOptions = "AVRO 'auto'" }, "AVRO"},
		{func(c *Config) { c.RetryDuration = 7201 * time.Second }, "7200"},
	}
	for _, b := range bad {
		c := ok
		b.edit(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), b.says) {
			t.Errorf("Validate(%+v) = %v, want an error saying %q", c, err, b.says)
		}
	}
}
