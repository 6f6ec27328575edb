package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

// This file builds the parts of the canonical request from a request as a
// Go server received it. Where real clients disagree with each other, a
// part has more than one candidate form; see "Leniency" in doc.go.

const (
	unsignedPayload = "UNSIGNED-PAYLOAD"
	emptySHA256     = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// rawQuery is the query string as sent.
func rawQuery(r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	return r.URL.RawQuery
}

// rawPath is the path as sent on the wire, still percent-encoded.
func rawPath(r *http.Request) string {
	p := r.RequestURI
	if strings.HasPrefix(p, "/") {
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return p
	}
	// A request built in-process, or one in absolute form.
	if r.URL != nil {
		p = r.URL.EscapedPath()
	}
	if p == "" {
		p = "/"
	}
	return p
}

// canonicalURIs returns the canonical URI: the path with dot segments and
// empty segments removed, then URI-encoded (so the wire's %XY escapes are
// encoded a second time, as for every service but S3). When that differs
// from the encoded path without normalisation, the latter is returned too:
// the Go SDK signs the path as it is.
func canonicalURIs(path string) []string {
	norm := uriEncode(normalizePath(path), false)
	asIs := uriEncode(path, false)
	if asIs == norm {
		return []string{norm}
	}
	return []string{norm, asIs}
}

// normalizePath removes "." and ".." segments and empty segments (so runs
// of slashes become one). The result starts with "/" and keeps a trailing
// "/" unless it is the root.
func normalizePath(p string) string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	if len(out) == 0 {
		return "/"
	}
	n := "/" + strings.Join(out, "/")
	if strings.HasSuffix(p, "/") {
		n += "/"
	}
	return n
}

// uriEncode percent-encodes every byte but the unreserved characters
// A-Z a-z 0-9 - . _ ~, with upper-case hex digits. Slashes are kept unless
// encodeSlash is set (paths keep them, query names and values do not).
func uriEncode(s string, encodeSlash bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && (encodeSlash || s[i] != '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexUpper = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (!encodeSlash && c == '/') {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexUpper[c>>4], hexUpper[c&15])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// query is a decoded query string, in the order sent.
type query []param

type param struct{ key, value string }

// parseQuery splits a raw query string on '&' and decodes each name and
// value. It never fails: '+' is a space, and a '%' not followed by two hex
// digits stands for itself.
func parseQuery(raw string) query {
	var q query
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		q = append(q, param{unescape(k), unescape(v)})
	}
	return q
}

// lookup returns the first value of key.
func (q query) lookup(key string) (string, bool) {
	for _, p := range q {
		if p.key == key {
			return p.value, true
		}
	}
	return "", false
}

func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// canonicalQueries returns the canonical query string and, for the header
// form, the query string exactly as sent when that differs: curl 7.x signs
// it unsorted and as is. The raw string is all the server reads, so a
// signature over it protects it as well as one over the canonical form.
func canonicalQueries(raw string, presigned bool) []string {
	c := canonicalQuery(parseQuery(raw), presigned)
	if presigned || raw == c {
		return []string{c}
	}
	return []string{c, raw}
}

// canonicalQuery encodes each name and value, sorts by name then value
// (after encoding, as the specification says) and joins them. A presigned
// request's X-Amz-Signature is left out.
func canonicalQuery(q query, presigned bool) string {
	enc := make([]param, 0, len(q))
	for _, p := range q {
		if presigned && p.key == qSignature {
			continue
		}
		enc = append(enc, param{uriEncode(p.key, true), uriEncode(p.value, true)})
	}
	slices.SortFunc(enc, func(a, b param) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// canonicalHeaders returns the canonical headers block (each signed header
// as "name:value\n", in the order of SignedHeaders). The first candidate
// trims each value and collapses runs of spaces (the specification, the Go
// SDK, curl); when a value holds other white space (tabs, ...), a second
// candidate collapses runs of any white space to one space, as botocore and
// the JavaScript SDK do.
func canonicalHeaders(r *http.Request, names []string) []string {
	var spaces, anyWhite strings.Builder
	differ := false
	for _, name := range names {
		lower := strings.ToLower(name)
		spaces.WriteString(lower)
		spaces.WriteByte(':')
		anyWhite.WriteString(lower)
		anyWhite.WriteByte(':')
		for i, v := range headerValues(r, lower) {
			if i > 0 {
				spaces.WriteByte(',')
				anyWhite.WriteByte(',')
			}
			a, b := collapseSpaces(v), strings.Join(strings.Fields(v), " ")
			differ = differ || a != b
			spaces.WriteString(a)
			anyWhite.WriteString(b)
		}
		spaces.WriteByte('\n')
		anyWhite.WriteByte('\n')
	}
	if !differ {
		return []string{spaces.String()}
	}
	return []string{spaces.String(), anyWhite.String()}
}

// headerValues returns the values of a signed header as the client sent
// them. Go's server moves some headers out of r.Header: Host into r.Host,
// Transfer-Encoding into r.TransferEncoding.
func headerValues(r *http.Request, lower string) []string {
	switch lower {
	case "host", ":authority":
		h := r.Host
		if h == "" && r.URL != nil {
			h = r.URL.Host
		}
		return []string{h}
	case "content-length":
		if r.ContentLength > 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if r.ContentLength == 0 {
			return []string{"0"}
		}
		return nil
	case "transfer-encoding":
		if v := r.Header.Values("Transfer-Encoding"); len(v) > 0 {
			return v
		}
		if len(r.TransferEncoding) > 0 {
			return []string{strings.Join(r.TransferEncoding, ",")}
		}
		return nil
	}
	if v, ok := r.Header[textproto.CanonicalMIMEHeaderKey(lower)]; ok {
		return v
	}
	// A name Go did not canonicalise (it holds a byte not allowed in a
	// token) is stored as sent.
	var vs []string
	for k, v := range r.Header {
		if strings.EqualFold(k, lower) {
			vs = append(vs, v...)
		}
	}
	return vs
}

// collapseSpaces trims white space at both ends and turns each run of
// spaces inside into one space.
func collapseSpaces(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		b = append(b, v[i])
	}
	return string(b)
}

// payloadHashes returns the hashed-payload line candidates and, when the
// client's X-Amz-Content-Sha256 claims a hash the body does not have, ok ==
// false.
func (s *Signature) payloadHashes(r *http.Request, body []byte) (hashes []string, ok bool) {
	if claimed := s.claimedPayload(r); claimed != "" {
		if isSHA256Hex(claimed) && !strings.EqualFold(claimed, bodyHash(body)) {
			return nil, false
		}
		return []string{claimed}, true
	}
	if s.Presigned {
		// Presigning clients differ on the payload of a URL: the hash of
		// the body (usually empty) or UNSIGNED-PAYLOAD.
		return []string{bodyHash(body), unsignedPayload}, true
	}
	return []string{bodyHash(body)}, true
}

// claimedPayload is the client's X-Amz-Content-Sha256: the header, else
// (presigned) the query parameter; "" when neither is sent.
func (s *Signature) claimedPayload(r *http.Request) string {
	claimed := r.Header.Get("X-Amz-Content-Sha256")
	if claimed == "" && s.Presigned {
		claimed = s.payloadHash
	}
	return claimed
}

func bodyHash(body []byte) string {
	if len(body) == 0 {
		return emptySHA256
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

func isSHA256Hex(v string) bool {
	if len(v) != 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isHex(v[i]) {
			return false
		}
	}
	return true
}
