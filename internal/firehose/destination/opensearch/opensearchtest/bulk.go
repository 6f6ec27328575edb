package opensearchtest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// action is one operation of a _bulk request.
type action struct {
	Op     string // index, create, update or delete
	Index  string
	ID     string
	Type   string
	HasTyp bool // _type was given (even empty)
	// Explicit: _index was given in the action line (not from the path).
	Explicit bool
	Source   []byte // nil for delete
	Line     int    // 1-based line of the action
}

// metadata parameters OpenSearch accepts in an action line besides
// _index, _id and _type.
var knownParams = map[string]bool{
	"routing": true, "pipeline": true, "require_alias": true, "version": true, "version_type": true,
	"if_seq_no": true, "if_primary_term": true, "retry_on_conflict": true, "_source": true,
}

// parseBulk reads a _bulk body: newline-delimited pairs of an action line
// such as {"index":{"_index":"i","_id":"1"}} and a source line (none for
// delete). Empty lines where an action is expected are skipped, and the
// body must end with a newline, as in OpenSearch. defaultIndex (from the
// URL path) applies to actions without _index. The error is the reason of
// a request-level illegal_argument_exception.
func parseBulk(body []byte, defaultIndex string) ([]action, error) {
	if len(body) > 0 && body[len(body)-1] != '\n' {
		return nil, reasonf("The bulk request must be terminated by a newline [\\n]")
	}
	var out []action
	line := 0
	for len(body) > 0 {
		cut := bytes.IndexByte(body, '\n') // always found: body ends with '\n'
		l := bytes.TrimSpace(body[:cut])
		body = body[cut+1:]
		line++
		if len(l) == 0 {
			continue
		}
		a, err := parseAction(l, line, defaultIndex)
		if err != nil {
			return nil, err
		}
		if a.Op != "delete" {
			if len(body) == 0 {
				return nil, reasonf("Validation Failed: 1: no requests added;")
			}
			cut = bytes.IndexByte(body, '\n')
			a.Source = bytes.TrimSpace(body[:cut])
			body = body[cut+1:]
			line++
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, reasonf("Validation Failed: 1: no requests added;")
	}
	return out, nil
}

func parseAction(l []byte, line int, defaultIndex string) (action, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(l, &m); err != nil || m == nil {
		return action{}, reasonf("Malformed action/metadata line [%d], expected START_OBJECT", line)
	}
	if len(m) != 1 {
		return action{}, reasonf("Malformed action/metadata line [%d], expected a single action", line)
	}
	a := action{Line: line, Index: defaultIndex}
	for op, raw := range m {
		switch op {
		case "index", "create", "update", "delete":
		default:
			return action{}, reasonf("Malformed action/metadata line [%d], expected field [create], [delete], [index] or [update] but found [%s]", line, op)
		}
		a.Op = op
		var meta map[string]json.RawMessage
		if err := json.Unmarshal(raw, &meta); err != nil || meta == nil {
			return action{}, reasonf("Malformed action/metadata line [%d], expected START_OBJECT", line)
		}
		for k, v := range meta {
			var dst *string
			switch k {
			case "_index":
				dst, a.Explicit = &a.Index, true
			case "_id":
				dst = &a.ID
			case "_type":
				dst, a.HasTyp = &a.Type, true
			default:
				if !knownParams[k] {
					return action{}, reasonf("Action/metadata line [%d] contains an unknown parameter [%s]", line, k)
				}
				continue
			}
			if err := json.Unmarshal(v, dst); err != nil {
				return action{}, reasonf("Malformed action/metadata line [%d], [%s] must be a string", line, k)
			}
		}
	}
	return a, nil
}

// reason is the reason of a request-level error, worded as OpenSearch's.
type reason string

func (r reason) Error() string { return string(r) }

func reasonf(format string, args ...any) error { return reason(fmt.Sprintf(format, args...)) }
