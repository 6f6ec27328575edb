package client

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// A format appends one record, as one line with its newline, to buf.
type format func(buf []byte, shard string, r *types.Record) []byte

var formats = map[string]format{
	"text": appendText,
	"json": appendJSON,
	"hex":  appendHex,
}

// appendText appends the record's data as a line, with non-printable
// bytes escaped (see escapeText).
func appendText(buf []byte, _ string, r *types.Record) []byte {
	return append(escapeText(buf, r.Data), '\n')
}

// escapeText appends data with everything that is not printable UTF-8
// escaped, so one record is one line: \n and \r as such, invalid UTF-8 and
// ASCII control bytes (except tab) as \xNN, other non-printable runes as
// \uNNNN or \UNNNNNNNN. Backslashes stay as they are.
func escapeText(buf, data []byte) []byte {
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n == 1:
			buf = fmt.Appendf(buf, `\x%02x`, data[0])
		case r == '\n':
			buf = append(buf, `\n`...)
		case r == '\r':
			buf = append(buf, `\r`...)
		case r == '\t' || unicode.IsPrint(r):
			buf = append(buf, data[:n]...)
		case r < utf8.RuneSelf:
			buf = fmt.Appendf(buf, `\x%02x`, r)
		case r <= 0xffff:
			buf = fmt.Appendf(buf, `\u%04x`, r)
		default:
			buf = fmt.Appendf(buf, `\U%08x`, r)
		}
		data = data[n:]
	}
	return buf
}

// jsonRecord is the json format's line.
type jsonRecord struct {
	Shard    string `json:"shard"`
	Seq      string `json:"seq"`
	Key      string `json:"key"`
	Arrival  string `json:"arrival"`
	Encoding string `json:"encoding"`
	Data     any    `json:"data"`
}

// Data encodings of the json format.
const (
	encJSON   = "json"
	encText   = "text"
	encBase64 = "base64"
)

// appendJSON appends the record as one JSON object (see the package doc).
func appendJSON(buf []byte, shard string, r *types.Record) []byte {
	rec := jsonRecord{Shard: shard, Seq: deref(r.SequenceNumber), Key: deref(r.PartitionKey), Arrival: arrival(r.ApproximateArrivalTimestamp)}
	rec.Encoding, rec.Data = jsonData(r.Data)
	b := bytes.NewBuffer(buf)
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		// Unreachable: every field is a string or checked JSON.
		panic(err)
	}
	return b.Bytes()
}

// jsonData classifies a record's data: a JSON document (embedded as is,
// compacted), else UTF-8 text (a JSON string), else binary (a base64
// string).
func jsonData(data []byte) (string, any) {
	switch {
	case !utf8.Valid(data):
		return encBase64, base64.StdEncoding.EncodeToString(data)
	case json.Valid(data):
		return encJSON, json.RawMessage(data)
	default:
		return encText, string(data)
	}
}

// appendHex appends a hexdump-like line: shard, sequence number, quoted
// partition key, length, the bytes in hex and, between bars, as ASCII with
// dots for the rest.
func appendHex(buf []byte, shard string, r *types.Record) []byte {
	buf = fmt.Appendf(buf, "%s %s %s %d:", shard, deref(r.SequenceNumber), strconv.Quote(deref(r.PartitionKey)), len(r.Data))
	const digits = "0123456789abcdef"
	for _, c := range r.Data {
		buf = append(buf, ' ', digits[c>>4], digits[c&15])
	}
	buf = append(buf, " |"...)
	for _, c := range r.Data {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		buf = append(buf, c)
	}
	return append(buf, "|\n"...)
}

// arrival formats an arrival time in UTC with milliseconds.
func arrival(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
