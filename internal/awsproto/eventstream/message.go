package eventstream

import "unicode/utf8"

// ContentType is the HTTP media type of an event stream body.
const ContentType = "application/vnd.amazon.eventstream"

// The limits of the format, as AWS enforces them.
const (
	MaxMessageLen = 16 << 20  // a whole message, prelude and CRCs included
	MaxHeadersLen = 128 << 10 // the headers section of one message
	MaxNameLen    = 255       // a header name (and it may not be empty)
	MaxValueLen   = 1<<15 - 1 // a bytes or string header value
	preludeLen    = 12        // total length, headers length, prelude CRC
	overhead      = preludeLen + 4
)

// The headers of AWS's streaming conventions, and the values of
// :message-type.
const (
	HeaderMessageType   = ":message-type"
	HeaderEventType     = ":event-type"
	HeaderExceptionType = ":exception-type"
	HeaderErrorCode     = ":error-code"
	HeaderErrorMessage  = ":error-message"
	HeaderContentType   = ":content-type"

	MessageTypeEvent     = "event"
	MessageTypeException = "exception"
	MessageTypeError     = "error"
)

// Header is one header of a message.
type Header struct {
	Name  string
	Value Value
}

// Message is one event stream message. The Decoder returns nil Headers and
// a nil Payload when a message has none.
type Message struct {
	Headers []Header
	Payload []byte
}

// Header returns the value of the header called name.
func (m Message) Header(name string) (Value, bool) {
	for _, h := range m.Headers {
		if h.Name == name {
			return h.Value, true
		}
	}
	return Value{}, false
}

// StringHeader returns the value of the string header called name, or ""
// when there is none or it is not a string.
func (m Message) StringHeader(name string) string {
	v, _ := m.Header(name)
	s, _ := v.Str()
	return s
}

// Event returns an event message: :message-type event, :event-type and,
// unless contentType is empty, :content-type.
func Event(eventType, contentType string, payload []byte) Message {
	return conventional(MessageTypeEvent, HeaderEventType, eventType, contentType, payload)
}

// Exception returns an exception message, a modelled error whose payload
// holds the error shape's members: :message-type exception, :exception-type
// and, unless contentType is empty, :content-type.
func Exception(exceptionType, contentType string, payload []byte) Message {
	return conventional(MessageTypeException, HeaderExceptionType, exceptionType, contentType, payload)
}

func conventional(messageType, typeHeader, typ, contentType string, payload []byte) Message {
	hs := make([]Header, 2, 3)
	hs[0] = Header{HeaderMessageType, StringValue(messageType)}
	hs[1] = Header{typeHeader, StringValue(typ)}
	if contentType != "" {
		hs = append(hs, Header{HeaderContentType, StringValue(contentType)})
	}
	return Message{Headers: hs, Payload: payload}
}

// Error returns an error message, an unmodelled error with no payload:
// :message-type error, :error-code and :error-message. A message longer
// than MaxValueLen bytes is cut, on a UTF-8 boundary, to fit.
func Error(code, message string) Message {
	return Message{Headers: []Header{
		{HeaderMessageType, StringValue(MessageTypeError)},
		{HeaderErrorCode, StringValue(code)},
		{HeaderErrorMessage, StringValue(truncate(message, MaxValueLen))},
	}}
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && i > n-utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
