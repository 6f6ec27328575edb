package kms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Scope is the account and region a key reference is resolved in: the
// caller's, as AWS KMS resolves a bare key ID or alias name in the caller's
// account and region.
type Scope struct {
	Account string
	Region  string
}

// KeyState is a master key's state, as KMS's KeyState names it.
type KeyState string

// Key states. Only an Enabled key wraps and unwraps data keys.
const (
	StateEnabled         KeyState = "Enabled"
	StateDisabled        KeyState = "Disabled"
	StatePendingDeletion KeyState = "PendingDeletion"
)

// KeyInfo describes a master key (DescribeKey's KeyMetadata, in part).
type KeyInfo struct {
	ID    string // the key ID (a UUID)
	ARN   string // arn:aws:kms:REGION:ACCOUNT:key/ID
	State KeyState
}

// Usable returns nil for an enabled key, or the error its state answers a
// request to use it with (DisabledException, KMSInvalidStateException).
func (k KeyInfo) Usable() error {
	switch k.State {
	case StateEnabled:
		return nil
	case StateDisabled:
		return errDisabled(k.ARN)
	default:
		return &Error{Code: InvalidState, Msg: fmt.Sprintf("%s is %s.", k.ARN, stateWords(k.State))}
	}
}

func stateWords(s KeyState) string {
	if s == StatePendingDeletion {
		return "pending deletion"
	}
	return "in state " + string(s)
}

// DataKey is a data key as GenerateDataKey returns it: the plaintext, to
// use and forget, and the same key wrapped by the master key, to store.
type DataKey struct {
	Plaintext []byte // 32 bytes (AES-256)
	Wrapped   []byte // opaque: only the master key's Decrypt opens it
	KeyARN    string // the master key that wrapped it
}

// MasterKeys holds master keys and uses them: the local key file
// (LocalKeys) or an AWS KMS endpoint (package kms/remote). Every method
// resolves keyID as AWS KMS's KeyId parameter: a key ID, a key ARN, an
// alias name (alias/NAME) or an alias ARN; bare IDs and alias names are
// looked up in scope. encryptionContext is bound to the wrapped key: Decrypt
// must be given the same to open it (AWS KMS's encryption context).
//
// Errors are *Error with the Code KMS answered (NotFound, Disabled, ...);
// anything else is a failure to reach the keys at all.
type MasterKeys interface {
	// Describe resolves keyID. A disabled key is described, not refused.
	Describe(ctx context.Context, scope Scope, keyID string) (KeyInfo, error)
	// GenerateDataKey makes an AES-256 data key under the master key.
	GenerateDataKey(ctx context.Context, scope Scope, keyID string, encryptionContext map[string]string) (DataKey, error)
	// Decrypt unwraps a data key. keyID, when not empty, must name the key
	// that wrapped it.
	Decrypt(ctx context.Context, scope Scope, keyID string, wrapped []byte, encryptionContext map[string]string) ([]byte, error)
}

// Code classifies a KMS failure; each maps to one Kinesis error
// (KMSNotFoundException, KMSDisabledException, ...).
type Code int

// Failure codes.
const (
	NotFound     Code = iota + 1 // NotFoundException
	Disabled                     // DisabledException
	InvalidState                 // KMSInvalidStateException
	AccessDenied                 // AccessDeniedException, IncorrectKeyException
	Throttled                    // ThrottlingException, LimitExceededException
	Unavailable                  // KMSInternalException, DependencyTimeoutException, ...
	Invalid                      // InvalidCiphertextException: the wrapped key is not KMS's
)

var codeNames = map[Code]string{
	NotFound: "NotFoundException", Disabled: "DisabledException", InvalidState: "KMSInvalidStateException",
	AccessDenied: "AccessDeniedException", Throttled: "ThrottlingException", Unavailable: "KMSInternalException",
	Invalid: "InvalidCiphertextException",
}

// String is the KMS error code of c.
func (c Code) String() string { return codeNames[c] }

// Error is a KMS failure with its KMS-worded message.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return e.Code.String() + ": " + e.Msg }

// CodeOf returns the Code of a KMS failure in err's chain, or 0.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// MessageOf returns the KMS-worded message of a KMS failure in err's
// chain, or err's text.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return err.Error()
}

func errDisabled(arn string) error {
	return &Error{Code: Disabled, Msg: arn + " is disabled."}
}

func errKeyNotFound(arn string) error {
	return &Error{Code: NotFound, Msg: fmt.Sprintf("Key '%s' does not exist", arn)}
}

func errAliasNotFound(arn string) error {
	return &Error{Code: NotFound, Msg: fmt.Sprintf("Alias '%s' is not found.", arn)}
}

func errInvalidKeyID(id string) error {
	return &Error{Code: NotFound, Msg: fmt.Sprintf("Invalid keyId '%s'", id)}
}

func errAccessDenied(scope Scope, action, arn string) error {
	return &Error{Code: AccessDenied, Msg: fmt.Sprintf("User: arn:aws:iam::%s:root is not authorized to perform: kms:%s on resource: %s because no resource-based policy allows the kms:%s action", scope.Account, action, arn, action)}
}

// Ref is a parsed key reference: a key (ID) or an alias (Alias), in an
// account and region (empty for a bare ID or alias name: the caller's).
type Ref struct {
	Account, Region string
	ID              string // a key ID (UUID), or ""
	Alias           string // alias/NAME, or ""
}

var (
	uuidRE    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	aliasRE   = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]*[a-zA-Z0-9_-]$`)
	accountRE = regexp.MustCompile(`^\d{12}$`)
)

// ParseRef parses keyID the ways AWS KMS's KeyId parameter takes it: a key
// ID, a key ARN, an alias name or an alias ARN. A malformed reference is a
// NotFoundException, as KMS answers it.
func ParseRef(keyID string) (Ref, error) {
	rest, isARN := strings.CutPrefix(keyID, "arn:")
	if !isARN {
		switch {
		case uuidRE.MatchString(keyID):
			return Ref{ID: keyID}, nil
		case aliasRE.MatchString(keyID):
			return Ref{Alias: keyID}, nil
		}
		return Ref{}, errInvalidKeyID(keyID)
	}
	parts := strings.SplitN(rest, ":", 5)
	if len(parts) != 5 || !strings.HasPrefix(parts[0], "aws") || parts[1] != "kms" || parts[2] == "" || !accountRE.MatchString(parts[3]) {
		return Ref{}, errInvalidKeyID(keyID)
	}
	r := Ref{Region: parts[2], Account: parts[3]}
	if id, ok := strings.CutPrefix(parts[4], "key/"); ok && uuidRE.MatchString(id) {
		r.ID = id
		return r, nil
	}
	if aliasRE.MatchString(parts[4]) {
		r.Alias = parts[4]
		return r, nil
	}
	return Ref{}, errInvalidKeyID(keyID)
}

// KeyARN formats a key's ARN.
func KeyARN(region, account, id string) string {
	return "arn:aws:kms:" + region + ":" + account + ":key/" + id
}

// AliasARN formats an alias's ARN.
func AliasARN(region, account, alias string) string {
	return "arn:aws:kms:" + region + ":" + account + ":" + alias
}

// IsManagedAlias reports whether alias names an AWS managed key that the
// local key file creates on first use, per account and region, as AWS
// creates them when a service first uses them.
func IsManagedAlias(alias string) bool {
	switch alias {
	case "alias/aws/kinesis", "alias/aws/firehose", "alias/aws/kinesisvideo":
		return true
	}
	return false
}
