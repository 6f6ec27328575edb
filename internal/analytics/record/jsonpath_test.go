package record

import (
	"reflect"
	"testing"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want []Step
	}{
		{"$", nil},
		{"$.customerName", []Step{{Kind: StepMember, Name: "customerName"}}},
		{"$.address.streetAddress.street", []Step{{Kind: StepMember, Name: "address"}, {Kind: StepMember, Name: "streetAddress"}, {Kind: StepMember, Name: "street"}}},
		{"$.orders[0:]", []Step{{Kind: StepMember, Name: "orders"}, {Kind: StepElements}}},
		{"$.orders[0:].orderId", []Step{{Kind: StepMember, Name: "orders"}, {Kind: StepElements}, {Kind: StepMember, Name: "orderId"}}},
		{"$.orders[2:].orderId", []Step{{Kind: StepMember, Name: "orders"}, {Kind: StepElements, Index: 2}, {Kind: StepMember, Name: "orderId"}}},
		{"$.orders[*].id", []Step{{Kind: StepMember, Name: "orders"}, {Kind: StepElements}, {Kind: StepMember, Name: "id"}}},
		{"$.arr[1]", []Step{{Kind: StepMember, Name: "arr"}, {Kind: StepIndex, Index: 1}}},
		{"$[0:]", []Step{{Kind: StepElements}}},
		{`$["user@domain"]`, []Step{{Kind: StepMember, Name: "user@domain"}}},
		{`$['a b'].c`, []Step{{Kind: StepMember, Name: "a b"}, {Kind: StepMember, Name: "c"}}},
		{`$["q\"uote"]`, []Step{{Kind: StepMember, Name: `q"uote`}}},
		{`$[ "x" ]`, []Step{{Kind: StepMember, Name: "x"}}},
		{"$.événement", []Step{{Kind: StepMember, Name: "événement"}}},
		{" $.a ", []Step{{Kind: StepMember, Name: "a"}}},
	}
	for _, tt := range tests {
		p, err := ParsePath(tt.in)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(p.Steps, tt.want) {
			t.Errorf("ParsePath(%q) = %+v, want %+v", tt.in, p.Steps, tt.want)
		}
		if p.String() != tt.in {
			t.Errorf("ParsePath(%q).String() = %q", tt.in, p.String())
		}
	}
	for _, in := range []string{"", "a.b", "$.", "$..a", "$.a[", "$.a[0", "$.a[x]", `$["a]`, "$.a[0:][0:].b",
		"$.arrayObjectOne[0:].element[0:].subElement", "$ .a", "$.a b", "$.a[99999999999999999999]", "$.a[-1]"} {
		if p, err := ParsePath(in); err == nil {
			t.Errorf("ParsePath(%q) = %+v, want an error", in, p.Steps)
		}
	}
}

func TestMemberPath(t *testing.T) {
	for name, want := range map[string]string{
		"PRICE": "$.PRICE", "user@domain": `$["user@domain"]`, `a"b`: `$["a\"b"]`, "": `$[""]`, "a b": `$["a b"]`,
	} {
		got := MemberPath("$", name)
		if got != want {
			t.Errorf("MemberPath(%q) = %q, want %q", name, got, want)
		}
		p, err := ParsePath(got)
		if err != nil || len(p.Steps) != 1 || p.Steps[0].Name != name {
			t.Errorf("MemberPath(%q) = %q does not read back: %+v %v", name, got, p.Steps, err)
		}
	}
}

// FuzzParsePath: ParsePath never panics and flattens at most one array.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"$", "$.a.b", "$.orders[0:].orderId", `$["x y"][3]`, "$[*]", "$['a\\'b']"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			return
		}
		n := 0
		for _, st := range p.Steps {
			if st.Kind == StepElements {
				n++
			}
			if st.Index < 0 || st.Index > maxPathIndex {
				t.Fatalf("%q: index %d", s, st.Index)
			}
		}
		if n > 1 {
			t.Fatalf("%q flattens %d arrays", s, n)
		}
	})
}
