package httpendpoint

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// response is one HTTP response as received, with its body read up to the
// size limit.
type response struct {
	StatusCode int
	Status     string // as net/http gives it: "200 OK"
	Header     http.Header
	// ContentLength is -1 when the response had no Content-Length.
	ContentLength int64
	// Uncompressed is net/http's flag for a body it decompressed itself.
	Uncompressed bool
	Body         []byte
	// TooLarge: headers and body exceeded MaxResponseBytes (Body is cut).
	TooLarge bool
}

// outcome is the verdict on one attempt.
type outcome struct {
	Delivered bool
	Permanent bool // 413: not retried
	Code      string
	Message   string
	// ErrorMessage is the errorMessage of a well-formed failure body.
	ErrorMessage string
}

func failure(code, detail string) outcome {
	msg := DocumentedMessage(code)
	if detail != "" {
		msg += " " + detail
	}
	return outcome{Code: code, Message: msg}
}

// headerBytes is the size of the status line and headers as sent on the
// wire (HTTP/1.1 framing), for the 1 MiB limit "including headers".
func headerBytes(status string, h http.Header) int {
	n := len("HTTP/1.1 ") + len(status) + 2
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n + 2
}

// reasonPhrase is the text after the status code in Status.
func reasonPhrase(code int, status string) string {
	return strings.TrimPrefix(strings.TrimPrefix(status, strconv.Itoa(code)), " ")
}

// parseResponse judges a response to the request with id requestID.
// Properties (FuzzParseResponse): it never panics; it delivers only a 200
// whose body names requestID; every other outcome has a Code and a Message
// starting with that code's documented message; only a 413 is permanent.
func parseResponse(requestID string, r response) outcome {
	if r.TooLarge {
		return failure(CodeResponseTooLarge, "")
	}
	if p := reasonPhrase(r.StatusCode, r.Status); utf8.RuneCountInString(p) > MaxReasonPhraseLength {
		return failure(CodeResponseReasonPhraseExceeded, "")
	}
	if r.StatusCode != http.StatusOK {
		if r.StatusCode < 200 || r.StatusCode > 599 {
			return invalid(requestID, r, "has a status code outside the 2XX, 4XX and 5XX ranges")
		}
		o := failure(CodeDestinationException, strconv.Itoa(r.StatusCode)+": "+quoteBody(r.Body))
		o.Permanent = r.StatusCode == http.StatusRequestEntityTooLarge
		o.ErrorMessage = errorMessageOf(r.Body)
		return o
	}
	if r.Uncompressed || len(r.Header.Values("Content-Encoding")) > 0 {
		return invalid(requestID, r, "is content-encoded")
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return invalid(requestID, r, "does not have the content type application/json")
	}
	if r.ContentLength < 0 && len(r.Body) > 0 {
		return invalid(requestID, r, "has a body but no Content-Length")
	}
	body, ok := decodeBody(r.Body)
	if !ok {
		return invalid(requestID, r, "is not recognized as valid JSON or has unexpected fields")
	}
	switch {
	case !body.hasRequestID:
		return invalid(requestID, r, "does not contain a requestId")
	case body.requestID != requestID:
		return invalid(requestID, r, "has a requestId that does not match the request")
	case !body.hasTimestamp:
		return invalid(requestID, r, "does not contain a timestamp that is an integer")
	case utf8.RuneCountInString(body.errorMessage) > MaxErrorMessageLength:
		return invalid(requestID, r, "has an errorMessage longer than 8192 characters")
	}
	return outcome{Delivered: true}
}

func invalid(requestID string, r response, why string) outcome {
	return failure(CodeInvalidResponseFromDestination,
		"Response for request "+requestID+" "+why+". Raw response received: "+strconv.Itoa(r.StatusCode)+" "+quoteBody(r.Body))
}

// quoteBody is a response body as quoted in a message: at most
// MessageBodyLimit bytes, cut at a character boundary, invalid UTF-8
// replaced.
func quoteBody(b []byte) string {
	if len(b) > MessageBodyLimit {
		cut := MessageBodyLimit
		for cut > MessageBodyLimit-utf8.UTFMax && !utf8.RuneStart(b[cut]) {
			cut--
		}
		b = b[:cut]
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

type responseBody struct {
	requestID, errorMessage    string
	hasRequestID, hasTimestamp bool
}

// decodeBody parses a response body: a JSON object whose only fields are
// requestId (string), timestamp (integer) and errorMessage (string). A
// field of the wrong type, null, or an unknown field makes it invalid; a
// missing field is reported through the has flags. A timestamp that is
// present but not an integer counts as missing ("must be a number and not a
// string").
func decodeBody(b []byte) (responseBody, bool) {
	var out responseBody
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil || fields == nil {
		return out, false
	}
	for k, v := range fields {
		switch k {
		case "requestId":
			if !jsonString(v, &out.requestID) {
				return out, false
			}
			out.hasRequestID = true
		case "errorMessage":
			if !jsonString(v, &out.errorMessage) {
				return out, false
			}
		case "timestamp":
			out.hasTimestamp = jsonInteger(v)
		default:
			return out, false
		}
	}
	return out, true
}

func jsonString(v json.RawMessage, dst *string) bool {
	if len(v) == 0 || v[0] != '"' {
		return false
	}
	return json.Unmarshal(v, dst) == nil
}

// jsonInteger reports whether v is a JSON number without fraction or
// exponent that fits an int64.
func jsonInteger(v json.RawMessage) bool {
	if bytes.ContainsAny(v, ".eE") {
		return false
	}
	_, err := strconv.ParseInt(string(v), 10, 64)
	return err == nil
}

// errorMessageOf is the errorMessage of a failure body, if it has one.
func errorMessageOf(b []byte) string {
	var v struct {
		ErrorMessage *string `json:"errorMessage"`
	}
	if json.Unmarshal(b, &v) != nil || v.ErrorMessage == nil {
		return ""
	}
	m := *v.ErrorMessage
	if utf8.RuneCountInString(m) > MaxErrorMessageLength {
		m = string([]rune(m)[:MaxErrorMessageLength])
	}
	return m
}
