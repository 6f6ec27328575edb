package funcs

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

var tru = value.NewBoolean(true)

// The LIKE examples of KDA's String Operators reference.
func TestLikeReference(t *testing.T) {
	tests := []struct {
		s, pattern, escape string
		want               bool
	}{
		{"a", "a", "", true},
		{"a", "A", "", false},
		{"a", "b", "", false},
		{"ab", "a_", "", true},
		{"ab", "a%", "", true},
		{"ab", `a\_`, `\`, false},
		{"ab", `a\%`, `\`, false},
		{"a_", `a\_`, `\`, true},
		{"a%", `a\%`, `\`, true},
		{"a", "a_", "", false},
		{"a", "a%", "", true},
		{"abcd", "a_", "", false},
		{"abcd", "a%", "", true},
		{"", "", "", true},
		{"1a", "_a", "", true},
		{"123aXYZ", "%a%", "", true},
		{"123aXYZ", "_%_a%_", "", true},
	}
	for _, tt := range tests {
		a := args(ch(tt.s), ch(tt.pattern))
		if tt.escape != "" {
			a = append(a, ch(tt.escape))
		}
		check(t, tt.s+" LIKE "+tt.pattern, "LIKE", a, want{v: value.NewBoolean(tt.want)})
	}
	check(t, "NULL LIKE 'a'", "LIKE", args(null, ch("a")), want{v: null})
	check(t, "'a' LIKE NULL", "LIKE", args(ch("a"), null), want{v: null})
}

func TestLikeMore(t *testing.T) {
	tests := []struct {
		s, pattern string
		want       bool
	}{
		{"", "%", true},
		{"", "_", false},
		{"abc", "%%%", true},
		{"abc", "a%c", true},
		{"ac", "a%c", true},
		{"a", "a%c", false},
		{"abcbc", "a%bc", true},
		{"abcbd", "a%bc", false},
		{"xyzxyz", "%yz%yz", true},
		{"xyz", "%yz%yz", false},
		{"aaa", "%a%a%a%", true},
		{"aa", "%a%a%a%", false},
		{"héllo", "h_llo", true},
		{"héllo", "h__llo", false},
		{"日本語", "_本_", true},
		{"日本語", "%語", true},
		{"a.c", "a.c", true},
		{"abc", "a.c", false},
		{"x%y", "x%y", true},
		{"mississippi", "%iss%ppi", true},
		{"mississippi", "m%i_s%i", true},
	}
	for _, tt := range tests {
		p, err := CompileLike(tt.pattern, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match(tt.s); got != tt.want {
			t.Errorf("%q LIKE %q = %v", tt.s, tt.pattern, got)
		}
	}
}

func TestLikeEscapeErrors(t *testing.T) {
	for _, tt := range []struct{ pattern, escape, want string }{
		{`a\b`, `\`, "invalid escape sequence"},
		{`ab\`, `\`, "invalid escape sequence"},
		{`ab`, `\\`, "invalid escape character"},
		{`ab`, "\xff", "invalid escape character"},
	} {
		_, err := CompileLike(tt.pattern, tt.escape)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LIKE %q ESCAPE %q: %v, want %s", tt.pattern, tt.escape, err, tt.want)
		}
		// A constant pattern fails at plan time; one from a column per row.
		if err := bindErr(t, "LIKE", TypeArg(value.Varchar(3)), ConstArg(ch(tt.pattern)), ConstArg(ch(tt.escape))); err == nil {
			t.Errorf("LIKE %q ESCAPE %q binds", tt.pattern, tt.escape)
		}
		c, err := get(t, "LIKE").Bind(testEnv, []Arg{TypeArg(value.Varchar(3)), TypeArg(value.Varchar(3)), TypeArg(value.Varchar(3))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Eval(args(vc("ab"), vc(tt.pattern), vc(tt.escape))); err == nil {
			t.Errorf("LIKE %q ESCAPE %q evaluates", tt.pattern, tt.escape)
		}
	}
	// Escaping the escape character itself.
	check(t, `'a\b' LIKE 'a\\b' ESCAPE '\'`, "LIKE", args(ch(`a\b`), ch(`a\\b`), ch(`\`)), want{v: tru})
}

// likeToRegexp is an independent oracle for LIKE, through Go's regexp.
func likeToRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`\A(?s:`)
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`)\z`)
	return regexp.MustCompile(b.String())
}

// FuzzLike checks that compiling any pattern never panics, and that a
// compiled pattern agrees with a regexp oracle on any string.
func FuzzLike(f *testing.F) {
	for _, s := range []string{"a%b_c", "%", "_", "", "%a%a%", "x\\%y", "日%本_"} {
		f.Add(s, "abcabc", "")
		f.Add(s, "日本xy", `\`)
	}
	f.Fuzz(func(t *testing.T, pattern, s, escape string) {
		p, err := CompileLike(pattern, escape)
		// The oracle decodes invalid UTF-8 to U+FFFD; LIKE compares bytes.
		if err != nil || escape != "" || !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return
		}
		if got, want := p.Match(s), likeToRegexp(pattern).MatchString(s); got != want {
			t.Errorf("%q LIKE %q = %v, oracle %v", s, pattern, got, want)
		}
	})
}
