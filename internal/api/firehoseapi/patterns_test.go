package firehoseapi

import (
	"strings"
	"testing"

	"sluice/internal/awsproto/shape"
)

func TestJavaPattern(t *testing.T) {
	cases := []struct{ in, want string }{
		{`.*`, javaDot + `*`},
		{`^\S+$`, `^` + javaNonSpace + `+$`},
		{`[a-zA-Z0-9\.\_]+`, `[a-zA-Z0-9\._]+`},
		{`[\u0001-\uFFFF]*`, `[\x{0001}-\x{FFFF}]*`},
		{`arn:.*:s3:::[\w\.\-]{1,255}`, `arn:` + javaDot + `*:s3:::[\w\.\-]{1,255}`},
		{`[^:*]*`, `[^:*]*`},
		{`catalog(?:(/[a-z]+){1,2})?`, `catalog(?:(/[a-z]+){1,2})?`},
	}
	for _, c := range cases {
		if got := javaPattern(c.in); got != c.want {
			t.Errorf("javaPattern(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, bad := range []string{`^(?!\s*$).+`, `(?<!-)x`, `[\s]`} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("javaPattern(%q) did not panic", bad)
				}
			}()
			javaPattern(bad)
		}()
	}
}

// TestPatternsMatchAsJava checks the patterns where Java and RE2 differ,
// and the hand-written equivalents of the lookaround patterns.
func TestPatternsMatchAsJava(t *testing.T) {
	cases := []struct {
		name    string
		s       *shape.Shape
		accepts []string
		refuses []string
	}{
		{"NonEmptyString", nonEmptyString,
			[]string{"a", " a ", "a b", "\x0Ba", "é"},
			[]string{" ", "\t \t", "\x0B", "\f", "a\nb", "a\r", "a\u2028", "\u0085"}},
		{"NonEmptyStringWithoutWhitespace", nonEmptyNoSpace,
			[]string{"a", "a.b", "é"},
			[]string{"a b", "a\x0Bb", "\t"}},
		{"Prefix", prefixShape,
			[]string{"", "a/b/!{timestamp:yyyy}/", "\x0B"},
			[]string{"a\nb", "a\rb", "a\u2028b", "a\u2029", "\u0085"}},
		{"ClusterJDBCURL", member(redshiftConfiguration, "ClusterJDBCURL"),
			[]string{
				"jdbc:redshift://my-cluster.abc123.us-east-1.redshift.amazonaws.com:5439/dev",
				"jdbc:postgresql://wg.123456789012.us-east-1.redshift-serverless.amazonaws.com:5439/dev",
				"jdbc:postgresql://pg.redshift.localhost:5432/db",
				"jdbc:redshift://a.redshift.x:1/d$b",
				"jdbc:redshift://" + strings.Repeat("a", 63) + ".redshift.x:5439/d",
			},
			[]string{
				"jdbc:postgresql://localhost:5432/db",
				"jdbc:redshift://-bad.redshift.x:5439/d",
				"jdbc:redshift://bad-.redshift.x:5439/d",
				"jdbc:redshift://" + strings.Repeat("a", 64) + ".redshift.x:5439/d",
				"jdbc:redshift://a.redshift.x:123456/d",
				"jdbc:mysql://a.redshift.x:5439/d",
			}},
		{"DatabaseName", databaseName,
			[]string{"db", "é"},
			[]string{"\x00", "😀"}},
		{"StringWithLettersDigitsUnderscoresDots", icebergTableName,
			[]string{"db_1.t"},
			[]string{"db-1", "a b"}},
		{"RoleARN", roleARNShape,
			[]string{"arn:aws:iam::123456789012:role/r", "arn:aws-cn:iam::123456789012:role/service-role/a_b+c=d,e.f@g-h"},
			[]string{"arn:aws:iam::1234:role/r", "arn:aws:iam::123456789012:user/u", "arn:a\nws:iam::123456789012:role/r"}},
		{"SnowflakeAccountUrl", member(snowflakeConfiguration, "AccountUrl"),
			[]string{"https://xy12345.us-east-1.snowflakecomputing.com"},
			[]string{"https://xy12345.us-east-1.example.com.com", ".snowflakecomputing.com"}},
		{"SnowflakePrivateLinkVpceId", member(member(snowflakeConfiguration, "SnowflakeVpcConfiguration"), "PrivateLinkVpceId"),
			[]string{"a.b.vpce.us-east-1.vpce-svc-0123456789abcdef0", "a-1.b_2.c.vpce..vpce-svc-0123456789abcdef0"},
			[]string{"a.vpce.x.vpce-svc-0123456789abcdef0"}},
	}
	for _, c := range cases {
		for _, v := range c.accepts {
			if !c.s.Pattern.MatchString(v) {
				t.Errorf("%s (%s) refuses %q", c.name, c.s.PatternText, v)
			}
		}
		for _, v := range c.refuses {
			if c.s.Pattern.MatchString(v) {
				t.Errorf("%s (%s) accepts %q", c.name, c.s.PatternText, v)
			}
		}
	}
}

// member is the shape of a structure's member.
func member(s *shape.Shape, name string) *shape.Shape {
	for _, m := range s.Members {
		if m.Name == name {
			return m.Shape
		}
	}
	panic("no member " + name + " in " + s.Name)
}
