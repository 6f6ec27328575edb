package awsjson

import (
	"strings"
	"testing"
)

// nodes counts the values of a generic tree, object keys included.
func nodes(v any) int {
	switch t := v.(type) {
	case map[string]any:
		n := 1
		for _, child := range t {
			n += 1 + nodes(child)
		}
		return n
	case []any:
		n := 1
		for _, child := range t {
			n += nodes(child)
		}
		return n
	}
	return 1
}

func TestCountValues(t *testing.T) {
	for body, want := range map[string]int{
		`{}`:                          2,
		`{"a":1}`:                     3,
		`{"a":[1,2,3],"b":{"c":"d"}}`: 10,
		`{"a":"x,y:[{","b":"\"],"}`:   5,
		`{"a":"\\","b":1}`:            5,
	} {
		if got := CountValues([]byte(body), 100); got != want {
			t.Errorf("CountValues(%s) = %d, want %d", body, got, want)
		}
	}
	zeros := []byte(`{"a":[` + strings.Repeat("0,", 1<<20) + `0]}`)
	if got := CountValues(zeros, 1000); got != 1001 {
		t.Errorf("past the limit: %d, want 1001 (it stops there)", got)
	}
}

// FuzzCountValues: CountValues never counts fewer values than the decoded
// tree has, so a body under the limit never decodes into more.
func FuzzCountValues(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":null}],"c":"\"]"}`, `{"a":"\\\\","b":[[],[{}]]}`, `[1,2]`, `{"a":1e5,"b":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := Decode(body)
		if err != nil {
			return
		}
		if n, got := nodes(v), CountValues(body, 1<<30); got < n {
			t.Fatalf("CountValues(%q) = %d, the tree has %d values", body, got, n)
		}
	})
}
