package policy

import (
	"encoding/json"
	"slices"
	"strings"
)

// principals is a parsed Principal or NotPrincipal element.
type principals struct {
	anyone   bool
	accounts []string // account ids: any principal of the account
	arns     []string // users, roles and sessions, matched exactly
	roles    []role   // roles, whose assumed-role sessions match too
}

type role struct{ partition, account, name string }

const msgInvalidPrincipal = "Invalid principal in policy"

// parsePrincipals reads "*" or an object of principal types to a string
// or an array of strings.
func parsePrincipals(raw json.RawMessage) (*principals, error) {
	if star, ok := jsonString(raw); ok {
		if star != "*" {
			return nil, malformed(msgInvalidPrincipal)
		}
		return &principals{anyone: true}, nil
	}
	fields, err := objectFields(raw)
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, malformed(msgInvalidPrincipal)
	}
	p := &principals{}
	for _, f := range fields {
		values, err := stringList(f.value)
		if err != nil {
			return nil, err
		}
		if len(values) == 0 {
			return nil, malformed(msgInvalidPrincipal)
		}
		switch f.name {
		case "AWS":
			for _, v := range values {
				if !p.addAWS(v) {
					return nil, malformed(msgInvalidPrincipal)
				}
			}
		case "Service", "Federated", "CanonicalUser":
			// Valid in AWS, but no Sluice caller is a service, a web
			// identity or an S3 canonical user: these match nobody.
			if slices.Contains(values, "") {
				return nil, malformed(msgInvalidPrincipal)
			}
		default:
			return nil, malformed(msgInvalidPrincipal)
		}
	}
	return p, nil
}

// addAWS adds one value of an "AWS" principal, reporting whether it is one
// of the forms AWS accepts. Wildcards are refused inside ARNs, as AWS does.
func (p *principals) addAWS(v string) bool {
	if v == "*" {
		p.anyone = true
		return true
	}
	if isAccountID(v) {
		p.accounts = append(p.accounts, v)
		return true
	}
	if strings.ContainsAny(v, "*?") {
		return false
	}
	arn, ok := parseARN(v)
	if !ok || arn.region != "" || !isAccountID(arn.account) {
		return false
	}
	switch {
	case arn.service == "iam" && arn.resource == "root":
		p.accounts = append(p.accounts, arn.account)
	case arn.service == "iam" && hasNamedSuffix(arn.resource, "user/"):
		p.arns = append(p.arns, v)
	case arn.service == "iam" && hasNamedSuffix(arn.resource, "role/"):
		p.arns = append(p.arns, v)
		// A role's path is not part of its sessions' ARNs.
		name := arn.resource[strings.LastIndexByte(arn.resource, '/')+1:]
		p.roles = append(p.roles, role{arn.partition, arn.account, name})
	case arn.service == "sts" && isSessionARN(arn.resource):
		p.arns = append(p.arns, v)
	case arn.service == "sts" && hasNamedSuffix(arn.resource, "federated-user/"):
		p.arns = append(p.arns, v)
	default:
		return false
	}
	return true
}

// matchExactly is match for NotPrincipal, which AWS reads literally: an
// account names the account's root only (not its users), and a role does
// not cover its sessions — their ARNs must be listed themselves.
func (p *principals) matchExactly(caller Principal) bool {
	if p.anyone {
		return true
	}
	if caller.ARN == "" {
		return false
	}
	if caller.Account != "" && slices.Contains(p.accounts, caller.Account) && caller.ARN == "arn:aws:iam::"+caller.Account+":root" {
		return true
	}
	return slices.Contains(p.arns, caller.ARN)
}

// match reports whether the caller is one of the principals.
func (p *principals) match(caller Principal) bool {
	if p.anyone {
		return true
	}
	if caller.Account != "" && slices.Contains(p.accounts, caller.Account) {
		return true
	}
	if caller.ARN == "" {
		return false
	}
	if slices.Contains(p.arns, caller.ARN) {
		return true
	}
	if len(p.roles) == 0 {
		return false
	}
	arn, ok := parseARN(caller.ARN)
	if !ok || arn.service != "sts" || !isSessionARN(arn.resource) {
		return false
	}
	name := strings.Split(arn.resource, "/")[1]
	return slices.Contains(p.roles, role{arn.partition, arn.account, name})
}

// arn is an ARN split into its six parts; resource keeps any further colons.
type arn struct {
	partition, service, region, account, resource string
}

func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return arn{}, false
	}
	return arn{parts[1], parts[2], parts[3], parts[4], parts[5]}, true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasNamedSuffix reports whether resource is prefix followed by a path
// that ends in a name: "user/alice", "role/team/deployer".
func hasNamedSuffix(resource, prefix string) bool {
	rest, ok := strings.CutPrefix(resource, prefix)
	return ok && rest != "" && !strings.HasSuffix(rest, "/")
}

// isSessionARN reports whether an sts resource is assumed-role/ROLE/SESSION.
func isSessionARN(resource string) bool {
	parts := strings.Split(resource, "/")
	return len(parts) == 3 && parts[0] == "assumed-role" && parts[1] != "" && parts[2] != ""
}
