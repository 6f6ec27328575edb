package policy

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"a*", "a", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbx", false},
		{"a*b*c", "abbbcbc", true},
		{"*a*a*a*a*b", strings.Repeat("a", 200), false}, // backtracking stays polynomial
		{"?", "é", true},                                // one character, not one byte
		{"??", "é", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"stream/*", "stream/orders/consumer/x:1", true},
	}
	for _, tt := range tests {
		glob := compilePattern(tt.pattern, true, false).glob
		if got := globMatch(glob, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestParseVariable(t *testing.T) {
	tests := []struct {
		text      string
		wantKind  tokenKind
		wantText  string
		wantDflt  string
		wantFound bool
	}{
		{"${aws:username}", variable, "aws:username", "", true},
		{"${ AWS:UserName }", variable, "aws:username", "", true},
		{"${aws:username, 'it''s'}", variable, "aws:username", "it's", true},
		{"${aws:username, 'a}b'}", variable, "aws:username", "a}b", true},
		{"${*}", literal, "*", "", true},
		{"${?}", literal, "?", "", true},
		{"${$}", literal, "$", "", true},
		{"${aws:username", 0, "", "", false},
		{"${}", 0, "", "", false},
		{"${username}", 0, "", "", false},
		{"${aws:username, default}", 0, "", "", false},
		{"${aws:username, 'it's'}", 0, "", "", false},
	}
	for _, tt := range tests {
		tok, _, ok := parseVariable(tt.text)
		if ok != tt.wantFound {
			t.Errorf("parseVariable(%q) ok = %v", tt.text, ok)
			continue
		}
		if ok && (tok.kind != tt.wantKind || tok.text != tt.wantText || tok.fallback != tt.wantDflt) {
			t.Errorf("parseVariable(%q) = %+v", tt.text, tok)
		}
	}
}

// FuzzGlobMatch checks globMatch against the regular expression the
// pattern stands for.
func FuzzGlobMatch(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*", "")
	f.Add("arn:aws:kinesis:*:*:stream/*", "arn:aws:kinesis:us-east-1:111122223333:stream/s1")
	f.Add("?é*", "xé")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return // the regexp package reads invalid UTF-8 differently
		}
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`\z`)
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := globMatch(compilePattern(pattern, true, false).glob, s); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}
