package javapattern

import "testing"

func TestQuoted(t *testing.T) {
	for _, c := range []struct {
		pattern, text string
		next          int
		bad           bool
	}{
		{"'abc'x", "abc", 5, false},
		{"''x", "'", 2, false},
		{"'it''s'", "it's", 7, false},
		{"'open", "", 0, true},
	} {
		text, next, err := Quoted(c.pattern, 0)
		if (err != nil) != c.bad || text != c.text || next != c.next {
			t.Errorf("Quoted(%q) = %q %d %v", c.pattern, text, next, err)
		}
	}
	if n := Run("yyyyMM", 0); n != 4 {
		t.Errorf("Run = %d", n)
	}
}

func FuzzQuoted(f *testing.F) {
	f.Add("'a''b'c")
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || s[0] != '\'' {
			return
		}
		if _, next, err := Quoted(s, 0); err == nil && (next < 2 || next > len(s)) {
			t.Fatalf("next %d out of range for %q", next, s)
		}
	})
}
