package splunktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Event is one event HEC accepted.
type Event struct {
	// Endpoint is "event" or "raw".
	Endpoint string
	Channel  string
	// Data is the event: the raw JSON of the "event" member for the event
	// endpoint (a string event keeps its quotes), one line of the body for
	// the raw endpoint.
	Data []byte
	// Meta holds the other members of an event object (time, host,
	// source, sourcetype, index, fields), as given; nil for raw events.
	Meta map[string]json.RawMessage
}

// parseEvents reads an event endpoint body: HEC event objects one after
// another, optionally separated by whitespace,
//
//	{"event":"hello","sourcetype":"s"}{"event":{"a":1},"index":"main"}
//
// It returns the events, or HEC's error code for the body and the index of
// the offending event: 5 no data, 6 invalid data format (not a JSON object),
// 12 event field is required (missing or null), 13 event field cannot be
// blank (""), 15 error in handling indexed fields (fields not an object of
// scalars or arrays of scalars).
func parseEvents(body []byte) ([]Event, int, int) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, 5, 0
	}
	d := json.NewDecoder(bytes.NewReader(body))
	var out []Event
	for i := 0; ; i++ {
		var m map[string]json.RawMessage
		err := d.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out, 0, 0
		}
		if err != nil || m == nil {
			return nil, 6, i
		}
		ev, ok := m["event"]
		switch {
		case !ok || string(ev) == "null":
			return nil, 12, i
		case string(ev) == `""`:
			return nil, 13, i
		}
		if f, ok := m["fields"]; ok && !flatFields(f) {
			return nil, 15, i
		}
		delete(m, "event")
		out = append(out, Event{Endpoint: "event", Data: append([]byte(nil), ev...), Meta: m})
	}
}

// flatFields reports whether fields is an object whose values are scalars
// or arrays of scalars, as HEC's indexed fields must be.
func flatFields(raw json.RawMessage) bool {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return false
	}
	for _, v := range m {
		switch x := v.(type) {
		case map[string]any:
			return false
		case []any:
			for _, e := range x {
				switch e.(type) {
				case map[string]any, []any:
					return false
				}
			}
		}
	}
	return true
}

// rawEvents splits a raw endpoint body into its non-empty lines (HEC's
// default line breaking).
func rawEvents(body []byte) []Event {
	var out []Event
	for _, l := range bytes.Split(body, []byte("\n")) {
		l = bytes.TrimRight(l, "\r")
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		out = append(out, Event{Endpoint: "raw", Data: append([]byte(nil), l...)})
	}
	return out
}
