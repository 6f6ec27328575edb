package awsproto

import (
	"context"
	"testing"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
)

type restFuzzIn struct {
	Name  *string
	Count int64
	Tags  map[string]string
}

// FuzzDecodeREST: no body panics the REST-JSON decoding; a body is either
// refused with a SerializationException or the service's validation code,
// or decoded into the input.
func FuzzDecodeREST(f *testing.F) {
	svc := NewRESTService("kinesisvideo", awserr.InvalidArgumentException)
	input := shape.Struct(
		shape.Opt("Name", shape.Str().Len(1, 8).Match(`[a-z]+`)),
		shape.Opt("Count", shape.Int().Range(1, 10)),
		shape.Opt("Tags", shape.MapOf(shape.Str().Len(1, 4), shape.Str()).Len(1, 2)),
	)
	op := Op("Fuzz", input, func(context.Context, *restFuzzIn) (*struct{}, error) { return nil, nil })
	for _, seed := range []string{``, `{}`, `{"Name":"abc","Count":3}`, `{"Name":"ABC"}`, `{"Count":"x"}`, `[1]`, `{"Tags":{"a":"b","c":"d","e":"f"}}`, `{`, `null`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, _, err := decodeREST(svc, op, body)
		if err != nil {
			if c := err.Code; c != awserr.SerializationException && c != awserr.InvalidArgumentException {
				t.Fatalf("%q: code %s", body, c.Name)
			}
			return
		}
		if _, ok := in.(*restFuzzIn); !ok {
			t.Fatalf("%q: decoded %T", body, in)
		}
	})
}
