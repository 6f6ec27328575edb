package policy

// Decision is the final answer for a request.
type Decision struct {
	Allowed  bool
	Explicit bool   // denied by an explicit Deny (AWS's message says "with an explicit deny in a ... policy")
	By       string // for a denial: "identity-based policy", "resource-based policy", or "" for an implicit deny
}

const (
	byIdentity = "identity-based policy"
	byResource = "resource-based policy"
)

// Authorize combines the caller's identity policies and the resource's
// policy as AWS does:
//   - an explicit Deny in any of them denies;
//   - same account (Principal.Account == resourceAccount): allowed if
//     either the identity side or the resource side allows;
//   - cross-account: allowed only if both allow;
//   - otherwise implicit deny.
//
// identityUnrestricted true means the caller has no identity policy and so
// full access (an account's root-like key): its identity side allows
// everything (but a resource policy's explicit Deny still denies, and
// cross-account still needs the resource side). resource may be nil (no
// resource policy); nil entries in identity are skipped.
//
// When both sides deny explicitly, By names the identity side.
func Authorize(req Request, identity []*Document, identityUnrestricted bool, resource *Document, resourceAccount string) Decision {
	identityAllows := identityUnrestricted
	for _, d := range identity {
		switch d.Evaluate(req) {
		case Denied:
			return Decision{Explicit: true, By: byIdentity}
		case Allowed:
			identityAllows = true
		}
	}
	resourceAllows := false
	switch resource.Evaluate(req) {
	case Denied:
		return Decision{Explicit: true, By: byResource}
	case Allowed:
		resourceAllows = true
	}
	// An unknown account on either side is never "the same account": it
	// would otherwise let one side alone grant access across accounts.
	sameAccount := req.Principal.Account != "" && req.Principal.Account == resourceAccount
	if sameAccount && (identityAllows || resourceAllows) || identityAllows && resourceAllows {
		return Decision{Allowed: true}
	}
	return Decision{}
}
