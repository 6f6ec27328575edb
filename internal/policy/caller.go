package policy

import (
	"net"
	"strconv"
	"strings"
	"time"
)

// Caller is an authenticated principal with what its policies allow, and
// the facts of the request its conditions may test. A nil *Caller is
// Sluice acting for an account itself (a Firehose source reading its
// stream, say), which no policy restricts.
type Caller struct {
	Principal Principal
	// UserID is aws:userid: the account for a root key, an AIDA... ID for
	// a user, AROA...:session for a role's session.
	UserID string
	// Policies are the identity-based policies; Unrestricted a key with
	// none, which may do anything in its own account (as an account's root).
	Policies     []*Document
	Unrestricted bool
	// Session is a session policy (AssumeRole's Policy): it must also allow.
	Session   *Document
	Temporary bool

	// The request's facts, for conditions.
	SourceIP        string // the client's address, without port
	SecureTransport bool   // over TLS
	Region          string // aws:RequestedRegion
	Now             time.Time
}

// Root is an account's root: no identity policy restricts it (a key
// without a policy, any key under --auth open).
func Root(account string) Caller {
	return Caller{Principal: Principal{Account: account, ARN: "arn:aws:iam::" + account + ":root"}, UserID: account, Unrestricted: true}
}

// Check answers whether c may perform action on resource, owned by
// resourceAccount and governed by the resource policy res (nil: none).
func (c *Caller) Check(action, resource, resourceAccount string, res *Document) Decision {
	if c == nil {
		return Decision{Allowed: true}
	}
	req := Request{Action: action, Resource: resource, Principal: c.Principal, Context: c.ConditionContext()}
	d := Authorize(req, c.Policies, c.Unrestricted, res, resourceAccount)
	if !d.Allowed || c.Session == nil {
		return d
	}
	switch c.Session.Evaluate(req) {
	case Denied:
		return Decision{Explicit: true, By: "session policy"}
	case NoMatch:
		return Decision{By: "session policy"}
	}
	return d
}

// DeniedMessage is AWS's AccessDenied message for a denial Check returned.
func (c *Caller) DeniedMessage(action, resource, resourceAccount string, d Decision) string {
	head := "User: " + c.Principal.ARN + " is not authorized to perform: " + action + " on resource: " + resource
	if d.Explicit {
		by := d.By
		if by == "" {
			by = "identity-based policy"
		}
		article := "a "
		if strings.HasPrefix(by, "identity") {
			article = "an "
		}
		return head + " with an explicit deny in " + article + by
	}
	by := d.By
	if by == "" {
		by = "identity-based policy"
		if resourceAccount != c.Principal.Account && c.identityAllows(action, resource) {
			by = "resource-based policy"
		}
	}
	return head + " because no " + by + " allows the " + action + " action"
}

func (c *Caller) identityAllows(action, resource string) bool {
	// The identity side alone: the caller's own account, no resource policy.
	req := Request{Action: action, Resource: resource, Principal: c.Principal, Context: c.ConditionContext()}
	return Authorize(req, c.Policies, c.Unrestricted, nil, c.Principal.Account).Allowed
}

// ConditionContext is the global condition keys Sluice knows for c's
// request, by lower-cased name (a fresh map the caller may add to).
func (c *Caller) ConditionContext() map[string][]string {
	now := c.Now
	if now.IsZero() {
		now = time.Now()
	}
	m := map[string][]string{
		"aws:currenttime":            {now.UTC().Format(time.RFC3339)},
		"aws:epochtime":              {strconv.FormatInt(now.Unix(), 10)},
		"aws:securetransport":        {strconv.FormatBool(c.SecureTransport)},
		"aws:principalaccount":       {c.Principal.Account},
		"aws:principalarn":           {c.Principal.ARN},
		"aws:multifactorauthpresent": {"false"},
	}
	if c.UserID != "" {
		m["aws:userid"] = []string{c.UserID}
	}
	if _, name, ok := strings.Cut(c.Principal.ARN, ":user/"); ok {
		m["aws:username"] = []string{name[strings.LastIndexByte(name, '/')+1:]}
	}
	if c.Region != "" {
		m["aws:requestedregion"] = []string{c.Region}
	}
	if c.SourceIP != "" {
		m["aws:sourceip"] = []string{c.SourceIP}
	}
	switch arn := c.Principal.ARN; {
	case strings.Contains(arn, ":assumed-role/"):
		m["aws:principaltype"] = []string{"AssumedRole"}
	case strings.HasSuffix(arn, ":root"):
		m["aws:principaltype"] = []string{"Account"}
	case strings.Contains(arn, ":user/"):
		m["aws:principaltype"] = []string{"User"}
	}
	return m
}

// HostIP is the address part of a net/http RemoteAddr.
func HostIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}
