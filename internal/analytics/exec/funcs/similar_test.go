package funcs

import (
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

// The SIMILAR TO examples of KDA's String Operators reference. Two read
// oddly there and are tested as SQL defines them: '123aXYZ' SIMILAR TO ”
// is listed TRUE under the rule "any other character matches itself" (an
// empty pattern matches only ”), and the alternation examples lost their
// | to the page's table markup ('amy|fred').
func TestSimilarReference(t *testing.T) {
	tests := []struct {
		s, pattern, escape string
		want               bool
	}{
		{"a", "a", "", true},
		{"a", "A", "", false},
		{"a", "b", "", false},
		{"ab", "a_", "", true},
		{"ab", "a%", "", true},
		{"a", "a_", "", false},
		{"a", "a%", "", true},
		{"abcd", "a_", "", false},
		{"abcd", "a%", "", true},
		{"", "", "", true},
		{"1a", "_a", "", true},
		{"123aXYZ", "", "", false},
		{"123aXYZ", "_%_a%_", "", true},
		{"xy", "(xy)", "", true},
		{"abd", "[ab][bcde]d", "", true},
		{"bdd", "[ab][bcde]d", "", true},
		{"abd", "[ab]d", "", false},
		{"cd", "[a-e]d", "", true},
		{"cd", "[a-e^c]d", "", false},
		{"amy", "amy|fred", "", true},
		{"fred", "amy|fred", "", true},
		{"mike", "amy|fred", "", false},
		{"acd", "ab*c+d", "", true},
		{"accccd", "ab*c+d", "", true},
		{"abd", "ab*c+d", "", false},
		{"aabc", "ab*c+d", "", false},
		{"abb", "a(b{3})", "", false},
		{"abbb", "a(b{3})", "", true},
		{"abbbbb", "a(b{3})", "", false},
		{"abbbbb", "ab{3,6}", "", true},
		{"abbbbbbbb", "ab{3,6}", "", false},
		{"", "ab?", "", false},
		{"", "(ab)?", "", true},
		{"a", "ab?", "", true},
		{"a", "(ab)?", "", false},
		{"a", "a(b?)", "", true},
		{"ab", "ab?", "", true},
		{"ab", "a(b?)", "", true},
		{"abb", "ab?", "", false},
		{"ab", `a\_`, `\`, false},
		{"ab", `a\%`, `\`, false},
		{"a_", `a\_`, `\`, true},
		{"a%", `a\%`, `\`, true},
		{"a(b{3})", "a(b{3})", "", false},
		{"a(b{3})", `a\(b\{3\}\)`, `\`, true},
	}
	for _, tt := range tests {
		a := args(ch(tt.s), ch(tt.pattern))
		if tt.escape != "" {
			a = append(a, ch(tt.escape))
		}
		check(t, tt.s+" SIMILAR TO "+tt.pattern, "SIMILAR TO", a, want{v: value.NewBoolean(tt.want)})
	}
	// '[^(a-e)]d' is INVALID in the reference: ( must be escaped in [ ].
	for _, s := range []string{"cd", "yd"} {
		if err := bindErr(t, "SIMILAR TO", ConstArg(ch(s)), ConstArg(ch("[^(a-e)]d"))); err == nil {
			t.Errorf("%s SIMILAR TO '[^(a-e)]d' binds", s)
		}
	}
	check(t, "NULL SIMILAR TO 'a'", "SIMILAR TO", args(null, ch("a")), want{v: null})
}

func TestSimilarMore(t *testing.T) {
	tests := []struct {
		s, pattern string
		want       bool
	}{
		{"a.c", "a.c", true},
		{"abc", "a.c", false}, // . is not special in SQL patterns
		{"a$", "a$", true},
		{"B7", "[[:UPPER:]][[:DIGIT:]]", true},
		{"b7", "[[:UPPER:]][[:DIGIT:]]", false},
		{"x", "[^[:ALPHA:]]", false},
		{"7", "[^[:ALPHA:]]", true},
		{"q", "[[:ALPHA:]^aeiou]", true},
		{"e", "[[:ALPHA:]^aeiou]", false},
		{"line\nbreak", "line_break", true},
		{"line\nbreak", "%", true},
		{"-", "[a-]", true},
		{"ab", "(a|b){2}", true},
		{"abc", "(a|b){2,}", false},
		{"日本", "__", true},
	}
	for _, tt := range tests {
		p, err := CompileSimilar(tt.pattern, "")
		if err != nil {
			t.Errorf("%q: %v", tt.pattern, err)
			continue
		}
		if got := p.Match(tt.s); got != tt.want {
			t.Errorf("%q SIMILAR TO %q = %v", tt.s, tt.pattern, got)
		}
	}
	for _, bad := range []string{"[", "[]", "a]", "(a", "a{x}", "a{3,1}", "[z-a]", "[[:NOPE:]]", "[a^]", "[^^a]", "a{1001}"} {
		if _, err := CompileSimilar(bad, ""); err == nil {
			t.Errorf("%q compiles", bad)
		}
	}
	if _, err := CompileSimilar(`a\b`, `\`); err == nil || !strings.Contains(err.Error(), "escape") {
		t.Errorf(`a\b ESCAPE \: %v`, err)
	}
}

func TestSimilarSubstringErrors(t *testing.T) {
	for _, p := range []string{`abc`, `a#"b`, `#"a#"b#"c`} {
		if _, err := CompileSimilarSubstring(p, "#"); err == nil {
			t.Errorf("%q compiles", p)
		}
	}
	if _, err := CompileSimilarSubstring(`a#"b#"c`, ""); err == nil {
		t.Error("no escape compiles")
	}
	check(t, "no match", "SUBSTRING SIMILAR", args(ch("xyz"), ch(`a#"b#"c`), ch("#")), want{v: null})
	check(t, "R1 as short as it can", "SUBSTRING SIMILAR", args(ch("aXbXb"), ch(`%X#"%#"`), ch("#")), want{v: vc("bXb")})
}

// FuzzSimilar checks that translating any pattern never panics and that
// what it produces compiles or is refused with a typed error.
func FuzzSimilar(f *testing.F) {
	for _, s := range []string{"[a-e^c]d", "(ab)?", "a{3,6}", "[[:ALPHA:]]", `a\_`, "%|_", `23#"456#"78`} {
		f.Add(s, "")
		f.Add(s, `\`)
		f.Add(s, "#")
	}
	f.Fuzz(func(t *testing.T, pattern, escape string) {
		if p, err := CompileSimilar(pattern, escape); err == nil {
			p.Match("abcabc")
		} else if _, ok := err.(*Error); !ok {
			t.Fatalf("%q: %T %v", pattern, err, err)
		}
		if p, err := CompileSimilarSubstring(pattern, escape); err == nil {
			p.Find("123456789abc")
		}
	})
}
