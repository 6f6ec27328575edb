package sigv4

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestNormalizePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"//", "/"},
		{"/a", "/a"},
		{"/a/", "/a/"},
		{"//a//b//", "/a/b/"},
		{"/./", "/"},
		{"/a/./b", "/a/b"},
		{"/a/b/..", "/a"},
		{"/a/b/../", "/a/"},
		{"/example1/example2/../..", "/"},
		{"/../../a", "/a"},
		{"/%2E%2E/a", "/%2E%2E/a"}, // escaped dots are not dot segments
		{"a/b", "/a/b"},
	}
	for _, tt := range tests {
		if got := normalizePath(tt.in); got != tt.want {
			t.Errorf("normalizePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalURIs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"/", []string{"/"}},
		{"/a%20b/%C3%BC/c+d", []string{"/a%2520b/%25C3%25BC/c%2Bd"}},
		{"/ሴ", []string{"/%E1%88%B4"}},
		{"/a/./b//c", []string{"/a/b/c", "/a/./b//c"}},
		{"/!$&'()*,;=:@~", []string{"/%21%24%26%27%28%29%2A%2C%3B%3D%3A%40~"}},
	}
	for _, tt := range tests {
		if got := canonicalURIs(tt.in); strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("canonicalURIs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		raw       string
		presigned bool
		want      string
	}{
		{"", false, ""},
		{"b=2&a=1", false, "a=1&b=2"},
		{"a=2&a=1&a=10", false, "a=1&a=10&a=2"},
		// Sorted after encoding: "a%2Fb" < "a-b" although '/' > '-'.
		{"x=a-b&x=a/b", false, "x=a%2Fb&x=a-b"},
		{"sp=a+b&pct=%20&plus=%2B", false, "pct=%20&plus=%2B&sp=a%20b"},
		{"k&e=&&=v", false, "=v&e=&k="},
		{"u=%c3%bc&t=~&s=*", false, "s=%2A&t=~&u=%C3%BC"},
		{"bad=%zz&trail=%", false, "bad=%25zz&trail=%25"},
		{"X-Amz-Signature=abc&X-Amz-Date=1", true, "X-Amz-Date=1"},
		{"X-Amz-Signature=abc&X-Amz-Date=1", false, "X-Amz-Date=1&X-Amz-Signature=abc"},
	}
	for _, tt := range tests {
		if got := canonicalQuery(parseQuery(tt.raw), tt.presigned); got != tt.want {
			t.Errorf("canonicalQuery(%q, %v) = %q, want %q", tt.raw, tt.presigned, got, tt.want)
		}
	}
	if got := canonicalQueries("b=2&a=1", false); strings.Join(got, " ") != "a=1&b=2 b=2&a=1" {
		t.Errorf("canonicalQueries = %q", got)
	}
	if got := canonicalQueries("b=2&a=1", true); len(got) != 1 {
		t.Errorf("presigned canonicalQueries = %q", got)
	}
}

func TestCollapseSpaces(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  a  ", "a"},
		{"a   b    c", "a b c"},
		{"\ta\t\tb  c\t", "a\t\tb c"},
		{`"a   b"`, `"a b"`},
	}
	for _, tt := range tests {
		if got := collapseSpaces(tt.in); got != tt.want {
			t.Errorf("collapseSpaces(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalHeaders(t *testing.T) {
	r := &http.Request{
		Host:             "h:1",
		ContentLength:    -1,
		TransferEncoding: []string{"chunked"},
		Header: http.Header{
			"X-A":     {" one  two ", "three"},
			"x-lower": {"set directly"},
			"X-Tab":   {"a\tb"},
		},
	}
	got := canonicalHeaders(r, []string{"host", "Transfer-Encoding", "x-a", "x-lower", "x-missing"})
	want := "host:h:1\ntransfer-encoding:chunked\nx-a:one two,three\nx-lower:set directly\nx-missing:\n"
	if len(got) != 1 || got[0] != want {
		t.Errorf("canonicalHeaders = %q, want %q", got, want)
	}
	got = canonicalHeaders(r, []string{"x-tab"})
	if strings.Join(got, "|") != "x-tab:a\tb\n|x-tab:a b\n" {
		t.Errorf("tab variants = %q", got)
	}

	for _, tt := range []struct {
		length int64
		header []string
		want   []string
	}{
		{5, nil, []string{"5"}},
		{0, nil, []string{"0"}},
		{-1, []string{"7"}, []string{"7"}},
		{-1, nil, nil},
	} {
		r := &http.Request{ContentLength: tt.length, Header: http.Header{}}
		if tt.header != nil {
			r.Header["Content-Length"] = tt.header
		}
		if got := headerValues(r, "content-length"); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("content-length of %d/%q = %q, want %q", tt.length, tt.header, got, tt.want)
		}
	}
	r = &http.Request{URL: &url.URL{Host: "from-url"}, Header: http.Header{"Transfer-Encoding": {"gzip"}}}
	if got := headerValues(r, ":authority"); len(got) != 1 || got[0] != "from-url" {
		t.Errorf(":authority = %q", got)
	}
	if got := headerValues(r, "transfer-encoding"); len(got) != 1 || got[0] != "gzip" {
		t.Errorf("transfer-encoding = %q", got)
	}
}

// TestInProcessRequest verifies a request built in-process (no
// RequestURI, no Content-Length header), as a handler test might.
func TestInProcessRequest(t *testing.T) {
	c := sdkCases[0]
	c.url = "http://localhost:4567/a%20b?x=1"
	req := c.newClientRequest(t)
	r, _ := signSDK(t, c, signTime) // for the signature alone
	req.Header = r.Header.Clone()
	req.Header.Del("Content-Length")
	req.Host = ""
	s := mustParse(t, req)
	if err := s.Verify(req, []byte(c.body), testSecret, signTime); err != nil {
		t.Fatal(err)
	}
	if got := rawPath(&http.Request{}); got != "/" {
		t.Errorf("rawPath of an empty request = %q", got)
	}
	if got := rawPath(&http.Request{RequestURI: "http://h/x%20y?q", URL: &url.URL{Path: "/x y", RawPath: "/x%20y"}}); got != "/x%20y" {
		t.Errorf("rawPath of an absolute-form request = %q", got)
	}
}
