package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// CookieName is the session cookie's name.
const CookieName = "sluice-console"

// SessionLifetime is how long a session lasts after sign-in.
const SessionLifetime = 12 * time.Hour

// maxSessions bounds the store: signing in again and again (or a client
// that drops cookies under --auth open) must not grow memory without end.
const maxSessions = 10000

// session is one signed-in browser.
type session struct {
	accessKeyID string
	accountID   string
	csrf        string
	expires     time.Time
}

// sessions is the in-memory session store, keyed by the cookie's token.
type sessions struct {
	mu   sync.Mutex
	byID map[string]*session
	now  func() time.Time
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{byID: map[string]*session{}, now: now}
}

// create starts a session and returns its token.
func (s *sessions) create(accessKeyID, accountID string) (string, *session) {
	token, csrf := randomToken(), randomToken()
	se := &session{accessKeyID: accessKeyID, accountID: accountID, csrf: csrf, expires: s.now().Add(SessionLifetime)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= maxSessions {
		s.expireLocked()
		for id := range s.byID { // still full: drop any one
			if len(s.byID) < maxSessions {
				break
			}
			delete(s.byID, id)
		}
	}
	s.byID[token] = se
	return token, se
}

// fromRequest returns the live session the request's cookie names.
func (s *sessions) fromRequest(r *http.Request) (string, *session) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return "", nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	se := s.byID[c.Value]
	if se == nil {
		return "", nil
	}
	if !s.now().Before(se.expires) {
		delete(s.byID, c.Value)
		return "", nil
	}
	return c.Value, se
}

func (s *sessions) delete(token string) {
	s.mu.Lock()
	delete(s.byID, token)
	s.mu.Unlock()
}

func (s *sessions) expireLocked() {
	now := s.now()
	for id, se := range s.byID {
		if !now.Before(se.expires) {
			delete(s.byID, id)
		}
	}
}

// checkCSRF reports whether the request carries the session's token.
func (se *session) checkCSRF(r *http.Request) bool {
	got := r.Header.Get(CSRFHeader)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(se.csrf)) == 1
}

// CSRFHeader carries the session's CSRF token on state-changing requests.
const CSRFHeader = "X-Sluice-Csrf"

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func setCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
}
