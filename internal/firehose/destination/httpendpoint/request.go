package httpendpoint

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// Header names and fixed values of a request.
const (
	HeaderProtocolVersion  = "X-Amz-Firehose-Protocol-Version"
	HeaderRequestID        = "X-Amz-Firehose-Request-Id"
	HeaderSourceARN        = "X-Amz-Firehose-Source-Arn"
	HeaderAccessKey        = "X-Amz-Firehose-Access-Key"
	HeaderCommonAttributes = "X-Amz-Firehose-Common-Attributes"
	ProtocolVersion        = "1.0"
	UserAgent              = "Sluice-Firehose/1.0"
)

// span is a contiguous range of records sent as one request.
type span struct{ first, count int }

// Parts of the body around the records.
const (
	bodyHead    = `{"requestId":"`
	bodyMid     = `","timestamp":`
	bodyRecords = `,"records":[`
	bodyTail    = `]}`
	recordHead  = `{"data":"`
	recordTail  = `"}`
	idLen       = 36 // a UUID
	maxTSDigits = 20 // "-9223372036854775808"
)

// bodyOverhead is the size of a body without records, for the longest
// timestamp.
const bodyOverhead = len(bodyHead) + idLen + len(bodyMid) + maxTSDigits + len(bodyRecords) + len(bodyTail)

// entrySize is the size of one record's entry in the records array.
func entrySize(n int) int {
	return len(recordHead) + base64.StdEncoding.EncodedLen(n) + len(recordTail)
}

// split cuts records into requests of at most maxRecords records and
// maxBody bytes of body; a record too large on its own goes alone.
func split(records [][]byte, maxBody, maxRecords int) []span {
	var spans []span
	cur := span{}
	size := bodyOverhead
	for i, r := range records {
		e := entrySize(len(r))
		if cur.count > 0 {
			e++ // the comma
		}
		if cur.count > 0 && (cur.count == maxRecords || size+e > maxBody) {
			spans = append(spans, cur)
			cur, size = span{first: i}, bodyOverhead
			e--
		}
		cur.count++
		size += e
	}
	if cur.count > 0 {
		spans = append(spans, cur)
	}
	return spans
}

// encodeRecords returns the records array's contents (without brackets).
func encodeRecords(records [][]byte) []byte {
	n := 0
	for _, r := range records {
		n += entrySize(len(r)) + 1
	}
	b := make([]byte, 0, n)
	for i, r := range records {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, recordHead...)
		b = base64.StdEncoding.AppendEncode(b, r)
		b = append(b, recordTail...)
	}
	return b
}

// bodyParts returns the body of one attempt as head, records, tail.
func bodyParts(requestID string, timestampMillis int64, records []byte) (head, tail []byte) {
	head = make([]byte, 0, bodyOverhead)
	head = append(head, bodyHead...)
	head = append(head, requestID...)
	head = append(head, bodyMid...)
	head = strconv.AppendInt(head, timestampMillis, 10)
	head = append(head, bodyRecords...)
	return head, []byte(bodyTail)
}

// gzipBody compresses head, records and tail into one gzip stream.
func gzipBody(head, records, tail []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = zw.Write(head)
	_, _ = zw.Write(records)
	_, _ = zw.Write(tail)
	_ = zw.Close()
	return buf.Bytes()
}

// commonAttributesHeader is the X-Amz-Firehose-Common-Attributes value:
// {"commonAttributes":{...}} in configuration order, without HTML escaping.
func commonAttributesHeader(attrs []Attribute) string {
	var b bytes.Buffer
	b.WriteString(`{"commonAttributes":{`)
	for i, a := range attrs {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, a.Name)
		b.WriteByte(':')
		writeJSONString(&b, a.Value)
	}
	b.WriteString(`}}`)
	return b.String()
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// newRequestID returns a random (version 4) UUID.
func newRequestID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var s [idLen]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}
