package logsapi

import "strings"

// patternError is InvalidParameterException's message for a pattern.
type patternError string

func (e patternError) Error() string { return string(e) }

// pattern is a CloudWatch Logs term filter pattern: every required term
// appears in the message, at least one optional (?) term does when there
// are any, and no excluded (-) term does. Terms match case-sensitively as
// substrings; a term in double quotes may hold spaces and punctuation
// (\" and \\ escape inside quotes). The empty pattern matches everything.
type pattern struct {
	required, optional, excluded []string
}

// maxTerms bounds a pattern (AWS's patterns are at most 1,024 characters).
const maxTerms = 256

func parsePattern(s string) (pattern, error) {
	var p pattern
	t := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(t, "{"):
		return p, patternError("JSON filter patterns ({ $.field = value }) are not supported by Sluice; use terms, \"quoted phrases\", ?optional and -excluded terms.")
	case strings.HasPrefix(t, "["):
		return p, patternError("Space-delimited filter patterns ([field, ...]) are not supported by Sluice; use terms, \"quoted phrases\", ?optional and -excluded terms.")
	case strings.HasPrefix(t, "%"):
		return p, patternError("Regular expression filter patterns (%regex%) are not supported by Sluice; use terms, \"quoted phrases\", ?optional and -excluded terms.")
	}
	for i := 0; i < len(t); {
		if t[i] == ' ' || t[i] == '\t' {
			i++
			continue
		}
		kind := byte(0)
		if t[i] == '?' || t[i] == '-' {
			kind = t[i]
			i++
		}
		var term string
		if i < len(t) && t[i] == '"' {
			var b strings.Builder
			i++
			closed := false
			for i < len(t) {
				c := t[i]
				if c == '\\' && i+1 < len(t) && (t[i+1] == '"' || t[i+1] == '\\') {
					b.WriteByte(t[i+1])
					i += 2
					continue
				}
				i++
				if c == '"' {
					closed = true
					break
				}
				b.WriteByte(c)
			}
			if !closed {
				return pattern{}, patternError("Invalid filter pattern: a quoted term is not closed.")
			}
			term = b.String()
		} else {
			start := i
			for i < len(t) && t[i] != ' ' && t[i] != '\t' {
				i++
			}
			term = t[start:i]
		}
		if term == "" {
			if kind != 0 {
				return pattern{}, patternError("Invalid filter pattern: " + string(kind) + " must be followed by a term.")
			}
			continue
		}
		switch kind {
		case '?':
			p.optional = append(p.optional, term)
		case '-':
			p.excluded = append(p.excluded, term)
		default:
			p.required = append(p.required, term)
		}
		if len(p.required)+len(p.optional)+len(p.excluded) > maxTerms {
			return pattern{}, patternError("Invalid filter pattern: too many terms.")
		}
	}
	return p, nil
}

func (p pattern) match(msg string) bool {
	for _, t := range p.required {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range p.excluded {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(p.optional) == 0 {
		return true
	}
	for _, t := range p.optional {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}
