package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"sluice/internal/awsproto/sigv4"
)

// Session is what a session token carries.
type Session struct {
	AccessKeyID string `json:"k"`
	Account     string `json:"a"`
	ARN         string `json:"p"` // the principal: a user, root, or arn:aws:sts::...:assumed-role/ROLE/SESSION
	UserID      string `json:"u"`
	Expires     int64  `json:"e"` // Unix seconds
	// SourceKey is the long-term key a GetSessionToken session acts for,
	// with that key's policies.
	SourceKey string `json:"s,omitempty"`
	// Role is the ARN of the role an AssumeRole session acts as, with the
	// role's policy.
	Role string `json:"r,omitempty"`
	// SessionPolicy is AssumeRole's Policy parameter: it must also allow.
	SessionPolicy string `json:"sp,omitempty"`
}

// Credentials are temporary credentials as STS returns them.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// ErrExpired is a session token past its expiry.
var ErrExpired = errors.New("identity: session expired")

// ErrInvalidToken is a session token this directory did not issue, or one
// whose role or key has left the credentials file.
var ErrInvalidToken = errors.New("identity: invalid session token")

type sealer struct {
	aead    cipher.AEAD
	secrets []byte // derives a session's secret from its access key ID
}

// newSealer derives the sealing keys from every key of the file, in a
// fixed order, so that nodes reading the same file agree.
func newSealer(keys []sigv4.Key) sealer {
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, func(a, b sigv4.Key) int { return strings.Compare(a.AccessKeyID, b.AccessKeyID) })
	h := sha256.New()
	h.Write([]byte("sluice sts sessions v1\x00"))
	for _, k := range sorted {
		h.Write([]byte(k.AccessKeyID + "\x00" + k.SecretAccessKey + "\x00" + k.AccountID + "\x00"))
	}
	master := h.Sum(nil)
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, master)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("token"))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return sealer{aead: aead, secrets: derive("secret")}
}

func (s sealer) secretFor(accessKeyID string) string {
	m := hmac.New(sha256.New, s.secrets)
	m.Write([]byte(accessKeyID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))[:40]
}

var keyIDChars = base32.StdEncoding.WithPadding(base32.NoPadding)

// Issue seals a session into temporary credentials. s.AccessKeyID and
// s.UserID are filled in here.
func (d *Directory) Issue(s Session, expires time.Time) (Credentials, error) {
	raw := make([]byte, 10)
	if _, err := rand.Read(raw); err != nil {
		return Credentials{}, err
	}
	s.AccessKeyID = "ASIA" + keyIDChars.EncodeToString(raw) // 4 + 16 characters, as AWS's
	s.Expires = expires.Unix()
	payload, err := json.Marshal(s)
	if err != nil {
		return Credentials{}, err
	}
	nonce := make([]byte, d.seal.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Credentials{}, err
	}
	sealed := d.seal.aead.Seal(nonce, nonce, payload, []byte(s.AccessKeyID))
	return Credentials{
		AccessKeyID:     s.AccessKeyID,
		SecretAccessKey: d.seal.secretFor(s.AccessKeyID),
		SessionToken:    "SLUICE" + base64.RawURLEncoding.EncodeToString(sealed),
		Expiration:      time.Unix(s.Expires, 0).UTC(),
	}, nil
}

// Open verifies a session token presented with accessKeyID and returns
// its session and the secret the request must be signed with.
func (d *Directory) Open(accessKeyID, token string, now time.Time) (Session, string, error) {
	rest, ok := strings.CutPrefix(token, "SLUICE")
	if !ok {
		return Session{}, "", ErrInvalidToken
	}
	sealed, err := base64.RawURLEncoding.DecodeString(rest)
	n := d.seal.aead.NonceSize()
	if err != nil || len(sealed) < n {
		return Session{}, "", ErrInvalidToken
	}
	payload, err := d.seal.aead.Open(nil, sealed[:n], sealed[n:], []byte(accessKeyID))
	if err != nil {
		return Session{}, "", ErrInvalidToken
	}
	var s Session
	if json.Unmarshal(payload, &s) != nil || s.AccessKeyID != accessKeyID {
		return Session{}, "", ErrInvalidToken
	}
	if s.Role != "" {
		if _, ok := d.roles[s.Role]; !ok {
			return Session{}, "", ErrInvalidToken
		}
	}
	if s.SourceKey != "" {
		if _, ok := d.users[s.SourceKey]; !ok {
			return Session{}, "", ErrInvalidToken
		}
	}
	if !now.Before(time.Unix(s.Expires, 0)) {
		return Session{}, "", ErrExpired
	}
	return s, d.seal.secretFor(accessKeyID), nil
}
