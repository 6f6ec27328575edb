package fragments

import (
	"testing"
)

// FuzzParseRecord: parseRecord never panics; a record it accepts encodes
// back to a record that decodes the same.
func FuzzParseRecord(f *testing.F) {
	f.Add((&indexRecord{seq: 1, media: 1, parts: 1, size: 10, header: 1, producerMs: -5, serverMs: 1 << 40, durationMs: 2000, timecode: 7}).append(nil))
	f.Add([]byte{1})
	f.Add([]byte{2, 1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseRecord(b)
		if err != nil {
			return
		}
		r2, err := parseRecord(r.append(nil))
		if err != nil || r2 != r {
			t.Fatalf("%+v re-read as %+v, %v", r, r2, err)
		}
	})
}

// FuzzParseNumber: parsing never panics; what parses formats back to the
// same string; numbers and tokens are never taken for each other.
func FuzzParseNumber(f *testing.F) {
	salt := saltOf("stream")
	f.Add(FormatNumber(1_700_000_000_000_000, salt))
	f.Add(FormatToken(42, salt))
	f.Add("91343852333754009371412493862204112772176002064")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := ParseNumber(s, salt); err == nil {
			if FormatNumber(v, salt) != s {
				t.Fatalf("%s parsed as %d", s, v)
			}
			if _, err := ParseToken(s, salt); err == nil {
				t.Fatalf("%s is a number and a token", s)
			}
		}
		if v, err := ParseToken(s, salt); err == nil && FormatToken(v, salt) != s {
			t.Fatalf("%s parsed as token %d", s, v)
		}
	})
}

func TestNumbers(t *testing.T) {
	salt := saltOf("a")
	prev := ""
	for _, seq := range []uint64{1, 2, 999, 1_700_000_000_000_000, 1<<64 - 1} {
		n := FormatNumber(seq, salt)
		if len(n) != 47 || n <= prev {
			t.Errorf("%d: %s", seq, n)
		}
		prev = n
		if v, err := ParseNumber(n, salt); err != nil || v != seq {
			t.Errorf("%s: %d %v", n, v, err)
		}
		if _, err := ParseNumber(n, saltOf("b")); err == nil {
			t.Errorf("%s accepted for another stream", n)
		}
		bad := []byte(n)
		bad[10] = '0' + (bad[10]-'0'+1)%10
		if _, err := ParseNumber(string(bad), salt); err == nil {
			t.Errorf("%s accepted with a wrong digit", bad)
		}
	}
	if s := nextSeq(5, 1000); s != 1_000_000 {
		t.Errorf("nextSeq %d", s)
	}
	if s := nextSeq(2_000_000, 1000); s != 2_000_001 {
		t.Errorf("nextSeq %d", s)
	}
}
