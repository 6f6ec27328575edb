package videoapi

import (
	"testing"
	"time"
)

// FuzzListToken: parseListToken never panics, and what it accepts formats
// back to the same token (one spelling per position).
func FuzzListToken(f *testing.F) {
	f.Add(listToken(42, 7), uint64(7))
	f.Add("AAAA", uint64(0))
	f.Add("", uint64(1))
	f.Fuzz(func(t *testing.T, tok string, salt uint64) {
		pos, ok := parseListToken(tok, salt)
		if ok && listToken(pos, salt) != tok {
			t.Fatalf("%q parsed as %d", tok, pos)
		}
	})
}

// FuzzEpochSeconds: parseEpochSeconds never panics; what it accepts is
// within a millisecond of the number written.
func FuzzEpochSeconds(f *testing.F) {
	f.Add("1700000000.123")
	f.Add("1700000000")
	f.Add("1.5")
	f.Add("-1")
	f.Fuzz(func(t *testing.T, v string) {
		ts, ok := parseEpochSeconds(v)
		if !ok {
			return
		}
		if again, ok2 := parseEpochSeconds(seconds(ts.UnixMilli())); !ok2 || !again.Equal(ts.Truncate(time.Millisecond)) {
			t.Fatalf("%q: %v, then %v", v, ts, again)
		}
	})
}
