package logsapi

import (
	"strings"
	"testing"
)

func TestPattern(t *testing.T) {
	msg := `{"errorCode":"S3.NoSuchBucket","message":"The specified bucket does not exist."}`
	tests := []struct {
		pattern string
		match   bool
		bad     bool
	}{
		{"", true, false},
		{"   ", true, false},
		{"S3.NoSuchBucket", true, false},
		{"s3.nosuchbucket", false, false}, // case-sensitive
		{"NoSuchBucket bucket", true, false},
		{"NoSuchBucket Lambda", false, false},
		{`"does not exist"`, true, false},
		{`"does  not"`, false, false},
		{`?Lambda ?bucket`, true, false},
		{`?Lambda ?Splunk`, false, false},
		{`bucket -Lambda`, true, false},
		{`bucket -NoSuch`, false, false},
		{`"say \"hi\""`, false, false},
		{`{ $.errorCode = "x" }`, false, true},
		{`[a, b]`, false, true},
		{`%S3\..*%`, false, true},
		{`"open`, false, true},
		{`? x`, false, true},
		{strings.Repeat("a ", maxTerms+1), false, true},
	}
	for _, tt := range tests {
		p, err := parsePattern(tt.pattern)
		if (err != nil) != tt.bad {
			t.Errorf("parsePattern(%q) err = %v", tt.pattern, err)
			continue
		}
		if err == nil && p.match(msg) != tt.match {
			t.Errorf("%q matches = %v, want %v", tt.pattern, !tt.match, tt.match)
		}
	}
	p, _ := parsePattern(`"say \"hi\"" a\b`)
	if len(p.required) != 2 || p.required[0] != `say "hi"` || p.required[1] != `a\b` {
		t.Errorf("terms = %q", p.required)
	}
}

// FuzzPattern checks that any pattern parses or is refused without
// panicking, that a parsed one matches without panicking, and that every
// required term of a pattern matches a message that is the pattern's
// required terms joined.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"", "a b", `"x y" ?z -w`, `{ $.a = 1 }`, `"\"`, `?`, `- -`} {
		f.Add(s, "a b x y z")
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := parsePattern(pattern)
		if err != nil {
			return
		}
		p.match(msg)
		all := strings.Join(p.required, " ")
		if len(p.excluded) == 0 && len(p.optional) == 0 && !p.match(all) {
			t.Fatalf("%q does not match its own terms %q", pattern, all)
		}
	})
}

// FuzzTokens checks that no token crashes the parsers and that a token
// they accept comes out of them unchanged.
func FuzzTokens(f *testing.F) {
	f.Add("f/1700000000000-3")
	f.Add("b/0-0")
	f.Add(filterKey{Timestamp: 1, Stream: "s", Ingestion: 2, N: 3}.token())
	f.Add("o/50")
	f.Fuzz(func(t *testing.T, tok string) {
		if dir, p, ok := parseToken(tok); ok {
			if again := p.token(dir); again != tok {
				// Leading zeros or a "+" parse to the same position.
				if _, p2, _ := parseToken(again); p2 != p {
					t.Fatalf("%q -> %+v -> %q", tok, p, again)
				}
			}
		}
		if k, ok := parseFilterToken(tok); ok {
			if k2, ok := parseFilterToken(k.token()); !ok || k2 != k {
				t.Fatalf("%q -> %+v -> %+v", tok, k, k2)
			}
		}
		offset(&tok)
	})
}
