package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"sluice/internal/awsproto/sigv4"
	"sluice/internal/policy"
)

// Directory is the credentials file, parsed: the keys that sign requests,
// what each may do, the roles, and the sealing keys of sessions. It is
// never changed after Load and safe for concurrent use.
type Directory struct {
	Keys  *sigv4.Keyring
	users map[string]user // by access key ID
	roles map[string]Role // by role ARN
	seal  sealer
}

type user struct {
	name     string
	policies []*policy.Document // nil: unrestricted in its own account
}

// Role is a role of the credentials file.
type Role struct {
	ARN                string
	Account            string
	Name               string
	Policy             *policy.Document // nil: the role may do nothing
	Trust              *policy.Document // nil: any principal of the role's account may assume it
	MaxSessionDuration int              // seconds
}

// file is the JSON form of the credentials file:
//
//	{"keys": [{"accessKeyId": "AKID", "secretAccessKey": "...", "accountId": "123456789012",
//	           "userName": "alice", "policy": {"Version": "2012-10-17", "Statement": [...]}}],
//	 "roles": [{"arn": "arn:aws:iam::123456789012:role/reader", "policy": {...},
//	            "trustPolicy": {...}, "maxSessionDuration": 3600}]}
type file struct {
	Keys []struct {
		AccessKeyID     string          `json:"accessKeyId"`
		SecretAccessKey string          `json:"secretAccessKey"`
		AccountID       string          `json:"accountId"`
		UserName        string          `json:"userName"`
		Policy          json.RawMessage `json:"policy"`
	} `json:"keys"`
	Roles []struct {
		ARN                string          `json:"arn"`
		Policy             json.RawMessage `json:"policy"`
		TrustPolicy        json.RawMessage `json:"trustPolicy"`
		MaxSessionDuration int             `json:"maxSessionDuration"`
	} `json:"roles"`
}

var (
	roleARN  = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)
	userName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// Load reads a credentials file. Unknown members are errors, so that a
// misspelt "policy" is not silently ignored; a policy that does not parse
// is an error naming its key or role. Errors never print a secret.
func Load(r io.Reader) (*Directory, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("credentials: unexpected data after the JSON object")
	}
	keys := make([]sigv4.Key, 0, len(f.Keys))
	d := &Directory{users: make(map[string]user, len(f.Keys)), roles: make(map[string]Role, len(f.Roles))}
	for i, k := range f.Keys {
		keys = append(keys, sigv4.Key{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, AccountID: k.AccountID})
		u := user{name: k.UserName}
		if u.name != "" && !userName.MatchString(u.name) {
			return nil, fmt.Errorf("credentials: keys[%d] (accessKeyId %q): userName %q is not an IAM user name", i, k.AccessKeyID, u.name)
		}
		if present(k.Policy) {
			doc, err := parsePolicy(k.Policy, policy.Identity)
			if err != nil {
				return nil, fmt.Errorf("credentials: keys[%d] (accessKeyId %q): policy: %w", i, k.AccessKeyID, err)
			}
			u.policies = []*policy.Document{doc}
		}
		d.users[k.AccessKeyID] = u
	}
	ring, err := sigv4.NewKeyring(keys)
	if err != nil {
		return nil, err
	}
	d.Keys = ring
	for i, r := range f.Roles {
		role, err := loadRole(r.ARN, r.Policy, r.TrustPolicy, r.MaxSessionDuration)
		if err != nil {
			return nil, fmt.Errorf("credentials: roles[%d] (%q): %w", i, r.ARN, err)
		}
		if _, dup := d.roles[role.ARN]; dup {
			return nil, fmt.Errorf("credentials: roles[%d] (%q): duplicate arn", i, r.ARN)
		}
		d.roles[role.ARN] = role
	}
	d.seal = newSealer(keys)
	return d, nil
}

func loadRole(arn string, pol, trust json.RawMessage, maxDuration int) (Role, error) {
	m := roleARN.FindStringSubmatch(arn)
	if m == nil {
		return Role{}, errors.New("arn is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)")
	}
	role := Role{ARN: arn, Account: m[1], Name: m[2], MaxSessionDuration: maxDuration}
	switch {
	case role.MaxSessionDuration == 0:
		role.MaxSessionDuration = 3600
	case role.MaxSessionDuration < 3600 || role.MaxSessionDuration > 43200:
		return Role{}, fmt.Errorf("maxSessionDuration %d is outside 3600..43200 seconds", maxDuration)
	}
	var err error
	if present(pol) {
		if role.Policy, err = parsePolicy(pol, policy.Identity); err != nil {
			return Role{}, fmt.Errorf("policy: %w", err)
		}
	}
	if present(trust) {
		if role.Trust, err = parsePolicy(trust, policy.Trust); err != nil {
			return Role{}, fmt.Errorf("trustPolicy: %w", err)
		}
	}
	return role, nil
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// parsePolicy takes a policy document as a JSON object or, as the AWS CLI
// prints them, as a string holding one.
func parsePolicy(raw json.RawMessage, kind policy.Kind) (*policy.Document, error) {
	text := string(raw)
	if strings.HasPrefix(strings.TrimSpace(text), `"`) {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
	}
	return policy.Parse(text, kind)
}

// Role returns the role with the given ARN.
func (d *Directory) Role(arn string) (Role, bool) {
	r, ok := d.roles[arn]
	return r, ok
}
