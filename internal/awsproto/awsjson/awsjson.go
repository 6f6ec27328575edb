// Package awsjson reads and writes the bodies of AWS's JSON 1.1 protocol
// (application/x-amz-json-1.1): a request body becomes the generic tree that
// package shape checks, and responses are written as AWS writes them
// (members omitted rather than null, no HTML escaping, timestamps as epoch
// seconds with a fraction).
package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"sluice/internal/awsproto/shape"
)

// ContentType is the media type of AWS JSON 1.1.
const ContentType = "application/x-amz-json-1.1"

// ErrNotObject reports a body that is valid JSON but not an object.
var ErrNotObject = errors.New("awsjson: body is not a JSON object")

// Decode parses a request body into a shape.Value: a map[string]any whose
// numbers are json.Number. Anything but one JSON object is an error.
func Decode(body []byte) (shape.Value, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("awsjson: trailing data after the JSON object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, ErrNotObject
	}
	return m, nil
}

// Encode writes v (a response struct with json tags, or a map) as JSON.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encoder adds a newline
}
