// Package awscbor reads and writes the bodies of AWS's CBOR 1.1 protocol
// (application/x-amz-cbor-1.1), which the Java SDK and therefore the KCL use
// by default. It differs from JSON 1.1 in two ways a server must honour:
// blobs are CBOR byte strings rather than base64 text, and timestamps are
// tag 1 followed by epoch *milliseconds* (aws-sdk-java's SdkCborGenerator
// writes tag 1 and Date.getTime()).
//
// Decoding uses github.com/fxamacker/cbor; only the tag-1 interpretation is
// ours, because the library (rightly, per RFC 8949) reads tag 1 as seconds.
package awscbor

import (
	"errors"
	"reflect"
	"time"

	"github.com/fxamacker/cbor/v2"

	"sluice/internal/awsproto/shape"
)

// ContentType is the media type of AWS CBOR 1.1.
const ContentType = "application/x-amz-cbor-1.1"

// The modes are built once and never change; cbor.DecMode and EncMode are
// safe for concurrent use.
var (
	decMode = mustDecMode()
	encMode = mustEncMode()
)

func mustDecMode() cbor.DecMode {
	dm, err := cbor.DecOptions{
		MaxNestedLevels:  64,
		MaxArrayElements: 1 << 20,
		MaxMapPairs:      1 << 20,
		IndefLength:      cbor.IndefLengthAllowed, // Jackson writes indefinite-length maps
		DefaultMapType:   reflect.TypeFor[map[string]any](),
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}

func mustEncMode() cbor.EncMode {
	em, err := cbor.EncOptions{}.EncMode()
	if err != nil {
		panic(err)
	}
	return em
}

// ErrNotMap reports a body that is valid CBOR but not a map.
var ErrNotMap = errors.New("awscbor: body is not a CBOR map")

// Decode parses a request body into a shape.Value.
func Decode(body []byte) (shape.Value, error) {
	var n node
	rest, err := decMode.UnmarshalFirst(body, &n)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("awscbor: trailing data after the CBOR map")
	}
	m, ok := n.v.(map[string]any)
	if !ok {
		return nil, ErrNotMap
	}
	return m, nil
}

// Encode writes v (a response struct; the json tags name the members) as CBOR.
func Encode(v any) ([]byte, error) { return encMode.Marshal(v) }

// node decodes one CBOR item into the generic tree, turning tag 1 into
// shape.Millis and recursing into maps and arrays so that nested timestamps
// are found too.
type node struct {
	v any
}

const (
	majorArray = 4
	majorMap   = 5
	majorTag   = 6
)

func (n *node) UnmarshalCBOR(data []byte) error {
	if len(data) == 0 {
		return errors.New("awscbor: empty item")
	}
	switch data[0] >> 5 {
	case majorMap:
		var m map[string]*node
		if err := decMode.Unmarshal(data, &m); err != nil {
			return err
		}
		out := make(map[string]any, len(m))
		for k, child := range m {
			if child != nil {
				out[k] = child.v
			} else {
				out[k] = nil
			}
		}
		n.v = out
		return nil
	case majorArray:
		var items []*node
		if err := decMode.Unmarshal(data, &items); err != nil {
			return err
		}
		out := make([]any, len(items))
		for i, child := range items {
			if child != nil {
				out[i] = child.v
			}
		}
		n.v = out
		return nil
	case majorTag:
		num, content, ok := tagHead(data)
		if ok && num == 1 {
			var x any
			if err := decMode.Unmarshal(content, &x); err != nil {
				return err
			}
			switch t := x.(type) {
			case int64:
				n.v = shape.Millis(float64(t))
			case uint64:
				n.v = shape.Millis(float64(t))
			case float64:
				n.v = shape.Millis(t)
			default:
				return errors.New("awscbor: tag 1 must hold a number")
			}
			return nil
		}
	}
	var x any
	if err := decMode.Unmarshal(data, &x); err != nil {
		return err
	}
	switch t := x.(type) {
	case time.Time: // tag 0, an RFC 3339 string
		n.v = shape.Millis(float64(t.UnixMilli()))
	case cbor.Tag:
		n.v = t.Content
	default:
		n.v = x
	}
	return nil
}

// tagHead splits a tag item into its number and content.
func tagHead(data []byte) (num uint64, content []byte, ok bool) {
	info := data[0] & 0x1f
	switch {
	case info < 24:
		return uint64(info), data[1:], true
	case info == 24 && len(data) >= 2:
		return uint64(data[1]), data[2:], true
	case info == 25 && len(data) >= 3:
		return uint64(data[1])<<8 | uint64(data[2]), data[3:], true
	case info == 26 && len(data) >= 5:
		return uint64(data[1])<<24 | uint64(data[2])<<16 | uint64(data[3])<<8 | uint64(data[4]), data[5:], true
	case info == 27 && len(data) >= 9:
		var v uint64
		for _, b := range data[1:9] {
			v = v<<8 | uint64(b)
		}
		return v, data[9:], true
	}
	return 0, nil, false
}
