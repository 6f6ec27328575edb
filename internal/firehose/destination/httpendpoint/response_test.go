package httpendpoint

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

const testID = "ed4acda5-034f-9f42-bba1-f29aea6d7d8f"

// okResponse is a valid 200 response with body.
func okResponse(body string) response {
	return response{
		StatusCode:    200,
		Status:        "200 OK",
		Header:        http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(body)),
		Body:          []byte(body),
	}
}

func TestParseResponse(t *testing.T) {
	good := `{"requestId":"` + testID + `","timestamp":1578090903599}`
	with := func(body string, mod func(*response)) response {
		r := okResponse(body)
		if mod != nil {
			mod(&r)
		}
		return r
	}
	status := func(code int) func(*response) {
		return func(r *response) { r.StatusCode, r.Status = code, strconv.Itoa(code)+" "+http.StatusText(code) }
	}
	tests := []struct {
		name      string
		r         response
		delivered bool
		permanent bool
		code      string
		detail    string // in Message
		errMsg    string
	}{
		{"success", with(good, nil), true, false, "", "", ""},
		{"success with errorMessage", with(`{"requestId":"`+testID+`","timestamp":1,"errorMessage":"fine"}`, nil), true, false, "", "", ""},
		{"success charset", with(good, func(r *response) { r.Header.Set("Content-Type", "application/json; charset=utf-8") }), true, false, "", "", ""},
		{"success whitespace", with(" {\n \"timestamp\" : 0 , \"requestId\" : \""+testID+"\" }\n", nil), true, false, "", "", ""},
		{"mismatched id", with(`{"requestId":"other","timestamp":1}`, nil), false, false, CodeInvalidResponseFromDestination, "does not match", ""},
		{"missing id", with(`{"timestamp":1}`, nil), false, false, CodeInvalidResponseFromDestination, "does not contain a requestId", ""},
		{"null id", with(`{"requestId": null}`, nil), false, false, CodeInvalidResponseFromDestination,
			"Response for request " + testID + ` is not recognized as valid JSON or has unexpected fields. Raw response received: 200 {"requestId": null}`, ""},
		{"numeric id", with(`{"requestId":1,"timestamp":1}`, nil), false, false, CodeInvalidResponseFromDestination, "valid JSON", ""},
		{"missing timestamp", with(`{"requestId":"`+testID+`"}`, nil), false, false, CodeInvalidResponseFromDestination, "timestamp", ""},
		{"string timestamp", with(`{"requestId":"`+testID+`","timestamp":"1578090903599"}`, nil), false, false, CodeInvalidResponseFromDestination, "timestamp", ""},
		{"fraction timestamp", with(`{"requestId":"`+testID+`","timestamp":1.5}`, nil), false, false, CodeInvalidResponseFromDestination, "timestamp", ""},
		{"unexpected field", with(`{"requestId":"`+testID+`","timestamp":1,"extra":true}`, nil), false, false, CodeInvalidResponseFromDestination, "unexpected fields", ""},
		{"not an object", with(`[]`, nil), false, false, CodeInvalidResponseFromDestination, "valid JSON", ""},
		{"null body", with(`null`, nil), false, false, CodeInvalidResponseFromDestination, "valid JSON", ""},
		{"empty body", with(``, nil), false, false, CodeInvalidResponseFromDestination, "valid JSON", ""},
		{"long errorMessage", with(`{"requestId":"`+testID+`","timestamp":1,"errorMessage":"`+strings.Repeat("é", 8193)+`"}`, nil), false, false, CodeInvalidResponseFromDestination, "8192", ""},
		{"no content type", with(good, func(r *response) { r.Header.Del("Content-Type") }), false, false, CodeInvalidResponseFromDestination, "content type", ""},
		{"text content type", with(good, func(r *response) { r.Header.Set("Content-Type", "text/plain") }), false, false, CodeInvalidResponseFromDestination, "content type", ""},
		{"content-encoded", with(good, func(r *response) { r.Header.Set("Content-Encoding", "identity") }), false, false, CodeInvalidResponseFromDestination, "content-encoded", ""},
		{"uncompressed by net/http", with(good, func(r *response) { r.Uncompressed = true }), false, false, CodeInvalidResponseFromDestination, "content-encoded", ""},
		{"no content length", with(good, func(r *response) { r.ContentLength = -1 }), false, false, CodeInvalidResponseFromDestination, "Content-Length", ""},
		{"too large", with(good, func(r *response) { r.TooLarge = true }), false, false, CodeResponseTooLarge, "", ""},
		{"long reason phrase", with(good, func(r *response) { r.Status = "200 " + strings.Repeat("x", 65) }), false, false, CodeResponseReasonPhraseExceeded, "", ""},
		{"64-character reason phrase", with(good, func(r *response) { r.Status = "200 " + strings.Repeat("x", 64) }), true, false, "", "", ""},
		{"413", with(`{"requestId":"`+testID+`","timestamp":1598556019164,"errorMessage":"Payload too large"}`, status(413)), false, true, CodeDestinationException,
			`The following response was received from the endpoint destination. 413: {"requestId":"` + testID + `","timestamp":1598556019164,"errorMessage":"Payload too large"}`, "Payload too large"},
		{"500 any body", with(`<html>oops</html>`, status(500)), false, false, CodeDestinationException, "500: <html>oops</html>", ""},
		{"201", with(good, status(201)), false, false, CodeDestinationException, "201: ", ""},
		{"302", with("", status(302)), false, false, CodeDestinationException, "302: ", ""},
		{"429", with(`{"errorMessage":"slow down"}`, status(429)), false, false, CodeDestinationException, "429: ", "slow down"},
		{"status 600", with(good, func(r *response) { r.StatusCode, r.Status = 600, "600 Odd" }), false, false, CodeInvalidResponseFromDestination, "outside the 2XX", ""},
		{"long error body cut", with(strings.Repeat("a", 1023)+"é"+strings.Repeat("b", 10), status(500)), false, false, CodeDestinationException, "500: " + strings.Repeat("a", 1023), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parseResponse(testID, tt.r)
			if o.Delivered != tt.delivered || o.Permanent != tt.permanent || o.Code != tt.code || o.ErrorMessage != tt.errMsg {
				t.Fatalf("parseResponse = %+v, want delivered %v permanent %v code %q errorMessage %q", o, tt.delivered, tt.permanent, tt.code, tt.errMsg)
			}
			if tt.code != "" && !strings.HasPrefix(o.Message, DocumentedMessage(tt.code)) {
				t.Fatalf("Message %q does not start with %q", o.Message, DocumentedMessage(tt.code))
			}
			if !strings.Contains(o.Message, tt.detail) {
				t.Fatalf("Message %q does not contain %q", o.Message, tt.detail)
			}
		})
	}
}

func TestQuoteBody(t *testing.T) {
	b := []byte(strings.Repeat("a", MessageBodyLimit-1) + "€")
	if got := quoteBody(b); got != strings.Repeat("a", MessageBodyLimit-1) {
		t.Fatalf("quoteBody cut a character: %q", got[len(got)-4:])
	}
	if got := quoteBody([]byte("a\xffb")); got != "a\uFFFDb" {
		t.Fatalf("quoteBody(invalid UTF-8) = %q", got)
	}
}

func TestDocumentedMessages(t *testing.T) {
	for _, code := range []string{CodeDestinationException, CodeInvalidResponseFromDestination, CodeRequestTimeout,
		CodeResponseTooLarge, CodeResponseReasonPhraseExceeded, CodeConnectionFailed, CodeConnectionReset, CodeSSLHandshakeFailure} {
		if m := DocumentedMessage(code); m == DocumentedMessage("") || !strings.HasSuffix(m, ".") {
			t.Errorf("DocumentedMessage(%s) = %q", code, m)
		}
	}
}

// FuzzParseResponse: parseResponse never panics; it delivers only a 200
// whose body is a JSON object naming the request id; a failure always has
// a code and a message starting with the code's documented message; only a
// 413 is permanent; the message is valid UTF-8.
func FuzzParseResponse(f *testing.F) {
	f.Add(200, "OK", "application/json", "", int64(-2), []byte(`{"requestId":"`+testID+`","timestamp":1}`), false)
	f.Add(200, "OK", "application/json; charset=utf-8", "", int64(-2), []byte(`{"requestId":"`+testID+`","timestamp":1,"errorMessage":""}`), false)
	f.Add(200, "OK", "application/json", "gzip", int64(-1), []byte(`{"requestId":null}`), false)
	f.Add(413, "Payload Too Large", "application/json", "", int64(-2), []byte(`{"errorMessage":"Payload too large"}`), false)
	f.Add(500, "", "", "", int64(0), []byte{}, true)
	f.Add(302, "Found", "text/html", "", int64(-2), []byte("\xff\xfe"), false)
	f.Add(200, "OK", "application/json", "", int64(-2), []byte(`{"requestId":"`+testID+`","timestamp":1e3}`), false)
	f.Add(200, "OK", "application/json", "", int64(-2), []byte(`{"requestId":"`+testID+`","timestamp":99999999999999999999}`), false)
	f.Fuzz(func(t *testing.T, code int, reason, ctype, cenc string, clen int64, body []byte, tooLarge bool) {
		if clen == -2 {
			clen = int64(len(body))
		}
		h := http.Header{}
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		if cenc != "" {
			h.Set("Content-Encoding", cenc)
		}
		r := response{StatusCode: code, Status: strconv.Itoa(code) + " " + reason, Header: h, ContentLength: clen, Body: body, TooLarge: tooLarge}
		o := parseResponse(testID, r)
		if o.Delivered {
			if code != 200 || tooLarge || o.Code != "" || o.Permanent {
				t.Fatalf("delivered %+v for status %d tooLarge %v", o, code, tooLarge)
			}
			got, ok := decodeBody(body)
			if !ok || got.requestID != testID || !got.hasTimestamp {
				t.Fatalf("delivered a body without the request id: %q", body)
			}
			return
		}
		if o.Code == "" || !strings.HasPrefix(o.Message, DocumentedMessage(o.Code)) {
			t.Fatalf("failure without code or documented message: %+v", o)
		}
		if o.Permanent && code != 413 {
			t.Fatalf("permanent failure for status %d", code)
		}
		if !utf8.ValidString(o.Message) || !utf8.ValidString(o.ErrorMessage) {
			t.Fatalf("message is not UTF-8: %q", o.Message)
		}
	})
}
