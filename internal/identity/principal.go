package identity

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"sluice/internal/awsproto/sigv4"
	"sluice/internal/policy"
)

// KeyCaller is the principal behind a long-term key: a user when the key
// names one or carries a policy, else the account's root, which no
// identity policy restricts.
func (d *Directory) KeyCaller(key sigv4.Key) policy.Caller {
	u := d.users[key.AccessKeyID]
	if u.name == "" && u.policies == nil {
		return policy.Root(key.AccountID)
	}
	name := u.name
	if name == "" {
		name = key.AccessKeyID
	}
	arn := "arn:aws:iam::" + key.AccountID + ":user/" + name
	// A user with a name but no policy still has full access to its account.
	return policy.Caller{
		Principal:    policy.Principal{Account: key.AccountID, ARN: arn},
		UserID:       uniqueID("AIDA", arn),
		Policies:     u.policies,
		Unrestricted: u.policies == nil,
	}
}

// SessionCaller is the principal of a session Open returned: the role's
// session with the role's policy (and the session policy, which must also
// allow), or the source key's principal with its policies.
func (d *Directory) SessionCaller(s Session) (policy.Caller, error) {
	var c policy.Caller
	switch {
	case s.Role != "":
		role := d.roles[s.Role]
		c = policy.Caller{Principal: policy.Principal{Account: s.Account, ARN: s.ARN}, UserID: s.UserID}
		if role.Policy != nil {
			c.Policies = []*policy.Document{role.Policy}
		}
	default:
		key, ok := d.Keys.Lookup(s.SourceKey)
		if !ok {
			return policy.Caller{}, ErrInvalidToken
		}
		c = d.KeyCaller(key)
	}
	c.Temporary = true
	if s.SessionPolicy != "" {
		doc, err := policy.Parse(s.SessionPolicy, policy.Identity)
		if err != nil {
			return policy.Caller{}, ErrInvalidToken
		}
		c.Session = doc
	}
	return c, nil
}

// uniqueID is a stable IAM-style unique ID (AIDA..., AROA...) for an ARN.
func uniqueID(prefix, arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return prefix + strings.ToUpper(base32.StdEncoding.EncodeToString(sum[:])[:17])
}

// RoleUserID is the unique ID of a role's session, as AssumedRoleUser's
// AssumedRoleId shows it: the role's ID, a colon, the session name.
func RoleUserID(roleARN, sessionName string) string {
	return uniqueID("AROA", roleARN) + ":" + sessionName
}
