package stsapi

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/identity"
	"sluice/internal/policy"
)

func getCallerIdentity(who *policy.Caller, requestID string) any {
	return getCallerIdentityResponse{
		Xmlns: namespace, Arn: who.Principal.ARN, UserID: who.UserID, Account: who.Principal.Account,
		Metadata: responseMetadata{RequestID: requestID},
	}
}

// duration reads DurationSeconds within [lo, hi], or def when absent.
func duration(form url.Values, lo, hi, def int, tooLong string) (time.Duration, error) {
	v := form.Get("DurationSeconds")
	if v == "" {
		return time.Duration(min(def, hi)) * time.Second, nil
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, validation(fmt.Sprintf("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", v))
	case n < lo:
		return 0, validation(fmt.Sprintf("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", n, lo))
	case n > hi:
		return 0, validation(tooLong)
	}
	return time.Duration(n) * time.Second, nil
}

func (a *API) getSessionToken(caller awsproto.Caller, who *policy.Caller, form url.Values, requestID string) (any, error) {
	if a.dir == nil {
		return nil, accessDenied("Sluice issues temporary credentials only with --auth sigv4 and a credentials file.")
	}
	if who.Temporary {
		return nil, accessDenied("Cannot call GetSessionToken with session credentials")
	}
	// An account's root may hold a session for an hour at most, users 36.
	hi := 129600
	if who.Unrestricted {
		hi = 3600
	}
	d, err := duration(form, 900, hi, 43200, fmt.Sprintf("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", form.Get("DurationSeconds"), hi))
	if err != nil {
		return nil, err
	}
	creds, err := a.dir.Issue(identity.Session{
		Account: who.Principal.Account, ARN: who.Principal.ARN, UserID: who.UserID, SourceKey: caller.AccessKeyID,
	}, a.now().Add(d))
	if err != nil {
		return nil, err
	}
	return getSessionTokenResponse{Xmlns: namespace, Credentials: toXML(creds), Metadata: responseMetadata{RequestID: requestID}}, nil
}

var sessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// maxSessionPolicy is AWS's bound on AssumeRole's Policy, in characters.
const maxSessionPolicy = 2048

func (a *API) assumeRole(who *policy.Caller, form url.Values, requestID string) (any, error) {
	if a.dir == nil {
		return nil, accessDenied("Sluice issues temporary credentials only with --auth sigv4 and a credentials file.")
	}
	arn, name := form.Get("RoleArn"), form.Get("RoleSessionName")
	switch {
	case arn == "":
		return nil, validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	case name == "":
		return nil, validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	case !sessionName.MatchString(name):
		return nil, validation(fmt.Sprintf("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", name))
	}
	role, ok := a.dir.Role(arn)
	if !ok {
		return nil, accessDenied(fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", who.Principal.ARN, arn))
	}
	if err := mayAssume(who, role, form); err != nil {
		return nil, err
	}
	hi := role.MaxSessionDuration
	if who.Temporary && who.Principal.ARN != "" && isRoleSession(who.Principal.ARN) {
		hi = 3600 // role chaining is limited to an hour
	}
	d, err := duration(form, 900, hi, 3600, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	if err != nil {
		return nil, err
	}
	sp := form.Get("Policy")
	var packed *int
	if sp != "" {
		if len(sp) > maxSessionPolicy {
			return nil, invalid("PackedPolicyTooLarge", "Packed policy consumes more than 100 percent of the allotted space.")
		}
		if _, err := policy.Parse(sp, policy.Identity); err != nil {
			var m *policy.MalformedError
			if errors.As(err, &m) {
				return nil, invalid("MalformedPolicyDocument", m.Message)
			}
			return nil, invalid("MalformedPolicyDocument", err.Error())
		}
		size := (len(sp)*100 + maxSessionPolicy - 1) / maxSessionPolicy
		packed = &size
	}
	principal := "arn:aws:sts::" + role.Account + ":assumed-role/" + role.Name + "/" + name
	userID := identity.RoleUserID(role.ARN, name)
	creds, err := a.dir.Issue(identity.Session{
		Account: role.Account, ARN: principal, UserID: userID, Role: role.ARN, SessionPolicy: sp,
	}, a.now().Add(d))
	if err != nil {
		return nil, err
	}
	return assumeRoleResponse{
		Xmlns: namespace, AssumedRoleID: userID, AssumedRoleArn: principal, Credentials: toXML(creds),
		PackedPolicySize: packed, Metadata: responseMetadata{RequestID: requestID},
	}, nil
}

var roleSession = regexp.MustCompile(`^arn:aws:sts::\d{12}:assumed-role/`)

func isRoleSession(arn string) bool { return roleSession.MatchString(arn) }

// mayAssume applies AWS's two checks: the caller's identity policies must
// allow sts:AssumeRole on the role, and the role's trust policy must
// trust the caller (without one, the role trusts its own account, as a
// trust policy naming arn:aws:iam::ACCOUNT:root does).
func mayAssume(who *policy.Caller, role identity.Role, form url.Values) error {
	const action = "sts:AssumeRole"
	// The identity side alone: the caller's own account as the resource's.
	if d := who.Check(action, role.ARN, who.Principal.Account, nil); !d.Allowed {
		return accessDenied(who.DeniedMessage(action, role.ARN, who.Principal.Account, d))
	}
	trusted := who.Principal.Account == role.Account
	if role.Trust != nil {
		// The trust policy's conditions see the request's facts and
		// AssumeRole's own keys (sts:ExternalId above all).
		facts := who.ConditionContext()
		for key, member := range map[string]string{"sts:externalid": "ExternalId", "sts:rolesessionname": "RoleSessionName"} {
			if v := form.Get(member); v != "" {
				facts[key] = []string{v}
			}
		}
		req := policy.Request{Action: action, Resource: role.ARN, Principal: who.Principal, Context: facts}
		switch role.Trust.Evaluate(req) {
		case policy.Allowed:
			trusted = true
		case policy.Denied:
			return accessDenied(fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s with an explicit deny in a resource-based policy", who.Principal.ARN, action, role.ARN))
		default:
			trusted = false
		}
	}
	if !trusted {
		return accessDenied(fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", who.Principal.ARN, action, role.ARN))
	}
	return nil
}

func toXML(c identity.Credentials) credentials {
	return credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: expiration(c.Expiration)}
}

// members are the parameters Sluice takes per action. Anything else —
// PolicyArns, Tags, TransitiveTagKeys, SourceIdentity, MFA's SerialNumber
// and TokenCode — is refused rather than ignored: a session would
// otherwise get more than its caller asked for (PolicyArns narrow it).
var members = map[string][]string{
	"AssumeRole":        {"RoleArn", "RoleSessionName", "Policy", "DurationSeconds", "ExternalId"},
	"GetSessionToken":   {"DurationSeconds"},
	"GetCallerIdentity": nil,
}

func onlyKnown(action string, form url.Values) *stsErr {
	known, ok := members[action]
	if !ok {
		return nil // the action itself is refused
	}
	for key := range form {
		if key == "Action" || key == "Version" || slices.Contains(known, key) {
			continue
		}
		name, _, _ := strings.Cut(key, ".")
		e := invalid("InvalidParameterValue", fmt.Sprintf("Sluice's STS does not support the parameter %s of %s.", name, action))
		return &e
	}
	return nil
}
