package opensearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxMessage bounds the error messages taken from responses.
const maxMessage = 2048

// item is one entry of a _bulk response's items: its HTTP status and, for a
// failure, the error as the cluster gave it.
type item struct {
	Status int
	Error  string // compact JSON of the error object, or the error string
}

// parseBulkResponse reads a 2xx _bulk response for a request of n actions:
//
//	{"took":3,"errors":true,"items":[
//	  {"index":{"_index":"i","_id":"1","result":"created","status":201}},
//	  {"index":{"_index":"i","_id":"2","status":400,"error":{"type":"mapper_parsing_exception","reason":"..."}}}]}
//
// Each item is an object with exactly one member named after the action
// (index, create, update or delete) whose status is an HTTP status; items
// answer the actions in request order, so there must be exactly n. Any
// other shape is an error; the result then is nil.
func parseBulkResponse(body []byte, n int) ([]item, error) {
	var resp struct {
		Items *[]map[string]json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("the _bulk response is not a JSON object: %v", err)
	}
	if resp.Items == nil {
		return nil, errors.New("the _bulk response has no items")
	}
	if len(*resp.Items) != n {
		return nil, fmt.Errorf("the _bulk response has %d items for %d documents", len(*resp.Items), n)
	}
	items := make([]item, n)
	for i, m := range *resp.Items {
		if len(m) != 1 {
			return nil, fmt.Errorf("item %d of the _bulk response has %d members, not 1", i, len(m))
		}
		for action, raw := range m {
			switch action {
			case "index", "create", "update", "delete":
			default:
				return nil, fmt.Errorf("item %d of the _bulk response is a %q, not an index result", i, action)
			}
			var r struct {
				Status *int            `json:"status"`
				Error  json.RawMessage `json:"error"`
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, fmt.Errorf("item %d of the _bulk response: %v", i, err)
			}
			if r.Status == nil || *r.Status < 100 || *r.Status > 599 {
				return nil, fmt.Errorf("item %d of the _bulk response has no HTTP status", i)
			}
			items[i] = item{Status: *r.Status, Error: errorText(r.Error)}
		}
	}
	return items, nil
}

// errorText renders an "error" member: a string as itself, anything else
// (an object with type and reason) as compact JSON; bounded.
func errorText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return bound(s)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return bound(string(raw))
	}
	return bound(b.String())
}

// requestError is the message of a request-level error response: the
// "error" member of a JSON body such as
//
//	{"error":{"root_cause":[...],"type":"illegal_argument_exception","reason":"..."},"status":400}
//
// or else the body itself (proxies answer with text or HTML).
func requestError(body []byte) string {
	var r struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &r) == nil && len(r.Error) > 0 && string(r.Error) != "null" {
		return errorText(r.Error)
	}
	return bound(strings.TrimSpace(string(body)))
}

// bound cuts s to maxMessage bytes on a rune boundary and replaces invalid
// UTF-8.
func bound(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
