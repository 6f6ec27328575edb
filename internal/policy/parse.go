package policy

import (
	"encoding/json"
	"strings"
)

// MalformedError is a document that does not parse or uses unknown
// elements. Message is in AWS's words where AWS's are known (IAM's
// MalformedPolicyDocument texts) and plain otherwise.
type MalformedError struct{ Message string }

func (e *MalformedError) Error() string { return "malformed policy document: " + e.Message }

func malformed(message string) *MalformedError { return &MalformedError{Message: message} }

// AWS's texts.
const (
	msgSyntax           = "Syntax errors in policy."
	msgVersion          = "The policy must contain a valid version string"
	msgNoPrincipal      = "Policy document should not specify a principal."
	msgMissingPrincipal = "Missing required field Principal"
	msgNoActions        = "Policy statement must contain actions."
	msgNoResources      = "Policy statement must contain resources."
	msgVendor           = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgInvalidResource  = "Policy has invalid resource"
)

const (
	version2012 = "2012-10-17" // the current language, with policy variables
	version2008 = "2008-10-17"
)

// Parse parses and validates a policy document. On failure it returns
// *MalformedError.
func Parse(text string, kind Kind) (*Document, error) {
	if kind != Identity && kind != Resource && kind != Trust {
		return nil, malformed("unknown policy kind")
	}
	if !json.Valid([]byte(text)) {
		return nil, malformed(msgSyntax)
	}
	fields, err := objectFields(json.RawMessage(text))
	if err != nil {
		return nil, err
	}
	version := version2008 // IAM reads a document without Version as 2008-10-17
	var statements json.RawMessage
	for _, f := range fields {
		switch f.name {
		case "Version":
			v, ok := jsonString(f.value)
			if !ok || (v != version2012 && v != version2008) {
				return nil, malformed(msgVersion)
			}
			version = v
		case "Id":
			if _, ok := jsonString(f.value); !ok {
				return nil, malformed(msgSyntax)
			}
		case "Statement":
			statements = f.value
		default:
			return nil, malformed("Unknown field " + f.name)
		}
	}
	if statements == nil {
		return nil, malformed("Missing required field Statement")
	}
	var raws []json.RawMessage
	if len(statements) > 0 && statements[0] == '[' {
		if json.Unmarshal(statements, &raws) != nil {
			return nil, malformed(msgSyntax)
		}
	} else {
		raws = []json.RawMessage{statements}
	}
	if len(raws) == 0 {
		return nil, malformed("Missing required field Statement")
	}
	d := &Document{kind: kind, statements: make([]statement, 0, len(raws))}
	for _, raw := range raws {
		st, err := parseStatement(raw, kind, version == version2012)
		if err != nil {
			return nil, err
		}
		d.statements = append(d.statements, st)
	}
	return d, nil
}

func parseStatement(raw json.RawMessage, kind Kind, variables bool) (statement, error) {
	var st statement
	fields, err := objectFields(raw)
	if err != nil {
		return st, err
	}
	var haveEffect, haveAction, haveResource, havePrincipal bool
	for _, f := range fields {
		switch f.name {
		case "Sid":
			if _, ok := jsonString(f.value); !ok {
				return st, malformed(msgSyntax)
			}
		case "Effect":
			effect, ok := jsonString(f.value)
			if !ok {
				return st, malformed(msgSyntax)
			}
			if effect != "Allow" && effect != "Deny" {
				return st, malformed("Invalid effect: " + effect)
			}
			st.deny, haveEffect = effect == "Deny", true
		case "Action", "NotAction":
			if haveAction {
				return st, malformed("Statement must not contain both Action and NotAction")
			}
			if st.actions, err = parseActions(f.value); err != nil {
				return st, err
			}
			st.notAction, haveAction = f.name == "NotAction", true
		case "Resource", "NotResource":
			if kind == Trust {
				return st, malformed("Has prohibited field " + f.name)
			}
			if haveResource {
				return st, malformed("Statement must not contain both Resource and NotResource")
			}
			if st.resources, err = parseResources(f.value, variables); err != nil {
				return st, err
			}
			st.notResource, haveResource = f.name == "NotResource", true
		case "Principal", "NotPrincipal":
			if kind == Identity {
				return st, malformed(msgNoPrincipal)
			}
			if havePrincipal {
				return st, malformed("Statement must not contain both Principal and NotPrincipal")
			}
			if st.principals, err = parsePrincipals(f.value); err != nil {
				return st, err
			}
			st.notPrincipal, havePrincipal = f.name == "NotPrincipal", true
		case "Condition":
			if st.conditions, err = parseConditions(f.value, variables); err != nil {
				return st, err
			}
		default:
			return st, malformed("Unknown field " + f.name)
		}
	}
	switch {
	case !haveEffect:
		return st, malformed("Missing required field Effect")
	case !haveAction:
		return st, malformed(msgNoActions)
	case !haveResource && kind != Trust:
		return st, malformed(msgNoResources)
	case kind != Identity && !havePrincipal:
		return st, malformed(msgMissingPrincipal)
	case st.notPrincipal && !st.deny:
		// AWS no longer supports NotPrincipal with Allow: it would grant
		// to everyone but the few named, anonymous callers included.
		return st, malformed(`NotPrincipal must be used with "Effect":"Deny"`)
	}
	if kind == Trust {
		st.resources = []pattern{compilePattern("*", true, false)}
	}
	return st, nil
}

// parseActions reads Action or NotAction: "*" or "vendor:name", the name
// possibly with wildcards. Actions compare case-insensitively, so they are
// kept lower-cased.
func parseActions(raw json.RawMessage) ([]pattern, error) {
	actions, err := stringList(raw)
	if err != nil {
		return nil, err
	}
	if len(actions) == 0 {
		return nil, malformed(msgNoActions)
	}
	patterns := make([]pattern, 0, len(actions))
	for _, a := range actions {
		if a != "*" && !hasVendor(a) {
			return nil, malformed(msgVendor)
		}
		patterns = append(patterns, compilePattern(strings.ToLower(a), true, false))
	}
	return patterns, nil
}

// hasVendor reports whether s is "vendor:rest" with neither part empty:
// actions and condition keys both have this form.
func hasVendor(s string) bool {
	vendor, rest, ok := strings.Cut(s, ":")
	return ok && vendor != "" && rest != "" && !strings.ContainsAny(vendor, " \t\r\n")
}

// parseResources reads Resource or NotResource: "*" or an ARN, possibly
// with wildcards and policy variables. An ARN needs its partition and
// service; a trailing * may stand for the rest ("arn:aws:kinesis:*").
func parseResources(raw json.RawMessage, variables bool) ([]pattern, error) {
	resources, err := stringList(raw)
	if err != nil {
		return nil, err
	}
	if len(resources) == 0 {
		return nil, malformed(msgNoResources)
	}
	patterns := make([]pattern, 0, len(resources))
	for _, r := range resources {
		if r != "*" && !looksLikeARN(r) {
			return nil, malformed(msgInvalidResource)
		}
		patterns = append(patterns, compilePattern(r, true, variables))
	}
	return patterns, nil
}

func looksLikeARN(s string) bool {
	parts := strings.SplitN(s, ":", 4)
	return len(parts) == 4 && parts[0] == "arn" && parts[1] != "" && parts[2] != ""
}
