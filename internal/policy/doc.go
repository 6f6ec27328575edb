// Package policy parses AWS IAM policy documents and evaluates them as AWS
// does, for the identity policies attached to Sluice's access keys and the
// resource policies attached to streams and consumers (PutResourcePolicy).
//
// It is written by hand: no well-kept Go library evaluates IAM policies with
// AWS's semantics (negated operators on missing keys, set qualifiers,
// principals by account, role or session, cross-account rules), and the
// language is small enough that owning it costs less than adapting one.
//
// # Documents
//
// Parse accepts the IAM JSON grammar: Version ("2012-10-17" or
// "2008-10-17"; absent means 2008-10-17, as in IAM), Id, and Statement (one
// object or an array). A statement has Sid, Effect ("Allow" or "Deny",
// case-sensitive), Action or NotAction, Resource or NotResource, Principal
// or NotPrincipal (resource policies only, and required there), and
// Condition. Every element is a string or an array of strings; condition
// values may also be JSON numbers and booleans. Element and operator names
// are case-sensitive. Anything else, a duplicated field included, is a
// MalformedError: a policy that means something other than what it seems
// to say is worse than one that is refused. For the same reason condition
// values are checked at Parse (dates, numbers, addresses, "true"/"false"
// for Bool and Null), and an empty list of values is refused.
//
// Both kinds of document need Resource or NotResource in every statement.
// IAM requires it of identity policies; Kinesis requires it of resource
// policies too, and being strict costs a policy author one line.
//
// # Matching
//
// Actions match case-insensitively with the wildcards * and ?. Resources
// match case-sensitively over the whole ARN, so a * at the end of an ARN
// segment may run past the colon, as AWS documents. Policy variables
// (${aws:username}, ${aws:PrincipalTag/team, 'default'}, and the escapes
// ${*}, ${?}, ${$}) are replaced in Resource, NotResource and the values of
// the String and Arn condition operators of 2012-10-17 documents; a
// variable whose key is missing or has several values makes the value
// that holds it match nothing, unless it has a default. A replaced value is
// literal text: its own * and ? are not wildcards.
//
// Principals name everyone ("*" or {"AWS": "*"}), an account (its 12-digit
// id or its root ARN: any principal of that account, in the resource's own
// account too), an IAM user, a role (which matches that role's assumed-role
// sessions), or a session; ARNs are compared exactly and may hold no
// wildcards.
// Service, Federated and CanonicalUser principals are accepted and match
// no Sluice caller. NotPrincipal may only be used with Deny (AWS no longer
// supports it with Allow) and excludes exactly the callers the same
// Principal would match.
//
// # Conditions
//
// Operators AND, keys within an operator AND, values of one key OR. A key
// missing from the request makes the positive operators false and the
// negated ones (StringNotEquals, NotIpAddress, ...) true; ...IfExists makes
// any operator true on a missing key; Null tests presence alone.
// ForAnyValue: needs one request value to satisfy the operator and is false
// on a missing key; ForAllValues: needs every request value to and is true
// on a missing key. Without a qualifier a positive operator needs one
// request value to match and a negated one needs none to.
//
// Dates are the W3C profile of ISO 8601 (2006-01-02, 2006-01-02T15:04Z07:00,
// RFC 3339 with or without fractions; no zone means UTC) or epoch seconds;
// a value of digits alone is epoch seconds, not a year.
//
// # Combining
//
// Authorize combines a caller's identity policies with a resource's policy:
// an explicit Deny anywhere denies; within one account either side's Allow
// suffices; across accounts both sides must allow.
package policy
