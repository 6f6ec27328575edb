package policy

import "strings"

// Kind says which side a document is on.
type Kind int

const (
	Identity Kind = iota // attached to an access key / role: no Principal/NotPrincipal allowed
	Resource             // attached to a stream or consumer: Principal or NotPrincipal required in every statement
	// Trust is a role's trust policy: a resource-based policy whose
	// resource is the role itself, so it names no Resource (IAM refuses
	// one: "Has prohibited field Resource").
	Trust
)

// Document is a parsed, validated policy. Safe for concurrent use once
// parsed: nothing in it changes after Parse.
type Document struct {
	kind       Kind
	statements []statement
}

// Principal is who makes a request.
type Principal struct {
	Account string // 12-digit account the caller belongs to
	ARN     string // arn:aws:iam::123456789012:user/NAME, arn:aws:iam::123456789012:root, or arn:aws:sts::123456789012:assumed-role/ROLE/SESSION
}

// Request is one authorization question.
type Request struct {
	Action    string // "kinesis:PutRecord" (service prefix and action; matched case-insensitively as AWS does)
	Resource  string // the resource ARN, e.g. arn:aws:kinesis:us-east-1:123456789012:stream/s1, or "*" for actions without a resource
	Principal Principal
	// Context holds the condition keys, lower-cased, as AWS treats keys
	// case-insensitively: "aws:sourceip", "aws:securetransport"
	// ("true"/"false"), "aws:currenttime" (RFC 3339),
	// "aws:principalaccount", "aws:principalarn", "aws:username",
	// "aws:requestedregion", ... Conditions and policy variables read
	// Context alone: nothing is derived from Principal, so the caller fills
	// in aws:principalarn and the like.
	Context map[string][]string
}

// Effect of one document on one request.
type Effect int

const (
	NoMatch Effect = iota // no statement applies (implicit deny)
	Allowed               // an Allow statement applies and no Deny does
	Denied                // a Deny statement applies (explicit deny)
)

func (e Effect) String() string {
	switch e {
	case NoMatch:
		return "NoMatch"
	case Allowed:
		return "Allowed"
	case Denied:
		return "Denied"
	}
	return "Effect(?)"
}

// statement is one parsed statement. The Not* flags invert their element:
// NotAction applies to every action but those listed, and so on.
type statement struct {
	deny         bool
	actions      []pattern // lower-cased; matched against the lower-cased action
	notAction    bool
	resources    []pattern
	notResource  bool
	principals   *principals // nil in identity policies
	notPrincipal bool
	conditions   []condition
}

// Evaluate says whether the document allows, denies or says nothing about
// req. A nil document says nothing.
func (d *Document) Evaluate(req Request) Effect {
	if d == nil {
		return NoMatch
	}
	action := strings.ToLower(req.Action)
	effect := NoMatch
	for i := range d.statements {
		st := &d.statements[i]
		if !st.deny && effect == Allowed {
			continue // another Allow cannot change the answer; only a Deny can
		}
		if !st.appliesTo(&req, action) {
			continue
		}
		if st.deny {
			return Denied
		}
		effect = Allowed
	}
	return effect
}

func (st *statement) appliesTo(req *Request, action string) bool {
	if matchesAnyPattern(st.actions, action, nil) == st.notAction {
		return false
	}
	if matchesAnyPattern(st.resources, req.Resource, req.Context) == st.notResource {
		return false
	}
	if st.principals != nil {
		matched := st.principals.match(req.Principal)
		if st.notPrincipal {
			matched = st.principals.matchExactly(req.Principal)
		}
		if matched == st.notPrincipal {
			return false
		}
	}
	for i := range st.conditions {
		if !st.conditions[i].holds(req.Context) {
			return false
		}
	}
	return true
}

func matchesAnyPattern(patterns []pattern, s string, context map[string][]string) bool {
	for i := range patterns {
		if glob, ok := patterns[i].expand(context); ok && globMatch(glob, s) {
			return true
		}
	}
	return false
}
