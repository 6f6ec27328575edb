package sigv4

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"sluice/internal/awsproto/awserr"
)

// Key is one access key: its secret and the account it acts for.
type Key struct {
	AccessKeyID     string
	SecretAccessKey string
	AccountID       string
}

// Keyring maps access key IDs to keys. It is loaded once (from the file
// given with --credentials) and never changed, so it is safe for concurrent
// use.
type Keyring struct {
	keys map[string]Key
}

// keyringFile is the JSON form of the credentials file:
//
//	{"keys": [{"accessKeyId": "AKID", "secretAccessKey": "...", "accountId": "123456789012"}]}
type keyringFile struct {
	Keys []struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		AccountID       string `json:"accountId"`
	} `json:"keys"`
}

// ParseKeyring reads a credentials file. Every key needs a non-empty access
// key ID, unique in the file, that can appear in a credential scope
// (printable ASCII without '/', ',' or spaces); a non-empty secret; and a
// 12-digit account ID. Unknown fields are errors, so that a misspelt field
// name is not silently ignored. Errors name the offending entry but never
// print a secret.
func ParseKeyring(r io.Reader) (*Keyring, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f keyringFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("sigv4: keyring: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("sigv4: keyring: unexpected data after the JSON object")
	}
	keys := make([]Key, len(f.Keys))
	for i, e := range f.Keys {
		keys[i] = Key{AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, AccountID: e.AccountID}
	}
	return NewKeyring(keys)
}

// NewKeyring checks keys as ParseKeyring does and returns them as a
// Keyring (for a credentials file that carries more than keys).
func NewKeyring(keys []Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New(`sigv4: keyring: no keys (want {"keys":[{"accessKeyId":...,"secretAccessKey":...,"accountId":...}]})`)
	}
	k := &Keyring{keys: make(map[string]Key, len(keys))}
	for i, e := range keys {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("sigv4: keyring: keys[%d] (accessKeyId %q): %s", i, e.AccessKeyID, fmt.Sprintf(format, args...))
		}
		switch {
		case e.AccessKeyID == "":
			return nil, bad("accessKeyId is empty")
		case !validKeyID(e.AccessKeyID):
			return nil, bad("accessKeyId must be printable ASCII without '/', ',' or spaces")
		case e.SecretAccessKey == "":
			return nil, bad("secretAccessKey is empty")
		case len(e.AccountID) != 12 || !isDigits(e.AccountID):
			return nil, bad("accountId %q is not 12 digits", e.AccountID)
		}
		if _, dup := k.keys[e.AccessKeyID]; dup {
			return nil, bad("duplicate accessKeyId")
		}
		k.keys[e.AccessKeyID] = e
	}
	return k, nil
}

func validKeyID(id string) bool {
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' || c == '/' || c == ',' {
			return false
		}
	}
	return true
}

// Lookup returns the key with the given access key ID.
func (k *Keyring) Lookup(accessKeyID string) (Key, bool) {
	key, ok := k.keys[accessKeyID]
	return key, ok
}

// KeyFor returns the key with the given access key ID or, when there is
// none, AWS's UnrecognizedClientException "The security token included in
// the request is invalid.".
func (k *Keyring) KeyFor(accessKeyID string) (Key, error) {
	key, ok := k.keys[accessKeyID]
	if !ok {
		return Key{}, awserr.New(awserr.UnrecognizedClientException, msgUnknownKey)
	}
	return key, nil
}

// Len is the number of keys.
func (k *Keyring) Len() int { return len(k.keys) }

// Authenticate is AuthenticateScope with DefaultScope.
func (k *Keyring) Authenticate(r *http.Request, body []byte, sig *Signature, now time.Time) (Key, error) {
	return k.AuthenticateScope(DefaultScope(), r, body, sig, now)
}

// AuthenticateScope checks a parsed request in AWS's order: time, credential
// scope, access key (UnrecognizedClientException "The security token
// included in the request is invalid." when unknown), signature. It returns
// the key that signed the request.
func (k *Keyring) AuthenticateScope(sc Scope, r *http.Request, body []byte, sig *Signature, now time.Time) (Key, error) {
	if err := sig.CheckTime(now); err != nil {
		return Key{}, err
	}
	if err := sig.CheckScope(sc); err != nil {
		return Key{}, err
	}
	key, err := k.KeyFor(sig.AccessKeyID)
	if err != nil {
		return Key{}, err
	}
	if err := sig.VerifySignature(r, body, key.SecretAccessKey); err != nil {
		return Key{}, err
	}
	return key, nil
}
