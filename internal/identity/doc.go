// Package identity is who may call Sluice under --auth sigv4: the
// long-term access keys of the credentials file, each with the identity
// policy it may carry, the roles those keys may assume, and the temporary
// credentials Sluice's STS subset issues.
//
// A session token is self-contained: it is sealed (AES-256-GCM) with a key
// derived from every secret of the credentials file, and a session's
// secret is derived from its access key ID with another such key. So no
// session table exists to lose or to share: every node of a cluster
// reading the same credentials file verifies the tokens any node issued,
// tokens survive restarts, and changing any secret of the file revokes
// them all. A role or key removed from the file ends the sessions made
// from it at once.
package identity
