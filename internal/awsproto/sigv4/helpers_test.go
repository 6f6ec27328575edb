package sigv4

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"

	"sluice/internal/awsproto/awserr"
)

// readRequest parses one raw HTTP/1.1 request as Go's server would, with
// the body after the first empty line. A body without Content-Length is
// taken whole.
func readRequest(t testing.TB, raw []byte) (*http.Request, []byte) {
	t.Helper()
	head, body := raw, []byte(nil)
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(raw, []byte(sep)); i >= 0 {
			head, body = raw[:i+len(sep)], raw[i+len(sep):]
			break
		}
	}
	if !bytes.HasSuffix(head, []byte("\n\n")) && !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		head = append(bytes.TrimRight(head, "\r\n"), "\n\n"...)
	}
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil {
		t.Fatalf("read request: %v\n%s", err, raw)
	}
	if r.Header.Get("Content-Length") == "" && len(r.TransferEncoding) == 0 {
		r.ContentLength = int64(len(body))
	} else if n, err := strconv.Atoi(r.Header.Get("Content-Length")); err == nil && n <= len(body) {
		body = body[:n]
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return r, body
}

// wantErr fails unless err is an *awserr.Error with exactly code and msg.
func wantErr(t testing.TB, err error, code awserr.Code, msg string) {
	t.Helper()
	var e *awserr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want %s %q", err, err, code.Name, msg)
	}
	if e.Code != code || e.Message != msg {
		t.Fatalf("error = %s %q\nwant    %s %q", e.Code.Name, e.Message, code.Name, msg)
	}
}

// mustParse parses r and fails the test on error.
func mustParse(t testing.TB, r *http.Request) *Signature {
	t.Helper()
	s, err := Parse(r)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}
