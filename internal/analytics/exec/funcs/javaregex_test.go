package funcs

import (
	"strings"
	"testing"
)

func TestJavaRegexTranslation(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{`a.c`, []string{"abc", "a c"}, []string{"a\nc", "a\rc", "a\u2028c"}},
		{`(?s)a.c`, []string{"a\nc", "a\rc"}, nil},
		{`(?d)a.c`, []string{"a\rc"}, []string{"a\nc"}},
		{`a\sb`, []string{"a b", "a\tb", "a\x0Bb"}, []string{"a\u00A0b"}},
		{`a\Sb`, []string{"axb"}, []string{"a\x0Bb", "a b"}},
		{`\d+\w*`, []string{"123abc_"}, []string{"٣"}},
		{`\p{Lower}+`, []string{"abc"}, []string{"ABC", "é"}},
		{`\P{Alpha}`, []string{"1", "é"}, []string{"a"}},
		{`[\p{Upper}\d]+`, []string{"AB12"}, []string{"ab"}},
		{`\p{L}+`, []string{"héllo"}, []string{"123"}},
		{`\p{IsLatin}+`, []string{"abc"}, []string{"αβγ"}},
		{`\pL`, []string{"x"}, []string{"1"}},
		{`\x41\x{42}\u0043\0104`, []string{"ABCD"}, nil},
		{`\uD83D\uDE00`, []string{"😀"}, nil},
		{`\cA`, []string{"\x01"}, nil},
		{`\e\t`, []string{"\x1B\t"}, nil},
		{`\Qa.b*\E+`, []string{"a.b**"}, []string{"axb*"}},
		{`\h\v`, []string{"\u00A0\n"}, []string{"a\n"}},
		{`a\Rb`, []string{"a\r\nb", "a\nb"}, []string{"ab"}},
		{`(?i)abc`, []string{"ABC"}, nil},
		{`(?x) a b  # a comment
		c`, []string{"abc"}, []string{"a b c"}},
		{`(?<year>\d{4})-(?<m>\d\d)`, []string{"2018-05"}, nil},
		{`[^\]]`, []string{"a"}, []string{"]"}},
		{`[]a]`, []string{"]", "a"}, []string{"b"}},
		{`a{2,3}?`, []string{"aa"}, []string{"a"}},
		{`x*?y`, []string{"xxy"}, nil},
		{`\.\$\\`, []string{`.$\`}, nil},
		{`\é`, []string{"é"}, nil},
		{`[\s]`, []string{"\x0B"}, nil},
	}
	for _, tt := range tests {
		re, err := CompileJava("TEST", tt.pattern)
		if err != nil {
			t.Errorf("%q: %v", tt.pattern, err)
			continue
		}
		for _, s := range tt.match {
			if !re.MatchString(s) {
				t.Errorf("%q does not match %q (RE2 %s)", tt.pattern, s, re)
			}
		}
		for _, s := range tt.noMatch {
			if loc := re.FindStringIndex(s); loc != nil && loc[0] == 0 && loc[1] == len(s) {
				t.Errorf("%q matches all of %q (RE2 %s)", tt.pattern, s, re)
			}
		}
	}
}

func TestJavaRegexRefused(t *testing.T) {
	for _, tt := range []struct{ pattern, want string }{
		{`a*+`, "possessive"},
		{`a++b`, "possessive"},
		{`a?+`, "possessive"},
		{`a{2}+`, "possessive"},
		{`(?=a)`, "lookaround"},
		{`(?!a)`, "lookaround"},
		{`(?<=a)b`, "lookaround"},
		{`(?<!a)b`, "lookaround"},
		{`(?>a)`, "atomic"},
		{`(a)\1`, "back reference"},
		{`(?<n>a)\k<n>`, "back reference"},
		{`a\Z`, `\Z`},
		{`\Ga`, `\G`},
		{`[a-z&&[^aeiou]]`, "intersection"},
		{`[a[b]]`, "nested"},
		{`\p{InGreek}`, "not supported"},
		{`(?U)\w`, "flag U"},
		{`a{1001}`, "repetition"},
		{`a{`, "repetition"},
		{`\y`, "escape"},
		{`(`, "missing"},
		{`\`, "backslash"},
		{`[a`, "unclosed"},
		{`\x4`, "hex"},
		{`\u12`, "four hex"},
	} {
		_, err := CompileJava("TEST", tt.pattern)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want an error with %q", tt.pattern, err, tt.want)
		}
		if e, ok := err.(*Error); !ok || e.Cond != CondInvalidRegex {
			t.Errorf("%q: %T, want *Error with CondInvalidRegex", tt.pattern, err)
		}
	}
}

// FuzzJavaRegex checks that translating any pattern never panics, and that
// it either compiles or fails with a typed error.
func FuzzJavaRegex(f *testing.F) {
	for _, s := range []string{`(\w.+) (\d.+) (\w.+) (\w.+)`, `.*([E].).*([R].*)`, `[^\s]+`, `\p{Alpha}{2,3}?`,
		`(?i:a)(?s-i)b.`, `\Q*\E`, `[\x{41}-\u005A]`, `(?<n>x)|y`, `(?x) a # c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		re, err := CompileJava("FUZZ", pattern)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: %T %v", pattern, err, err)
			}
			return
		}
		re.FindAllStringSubmatchIndex("abc 123 E R\n\x00é", -1)
	})
}
