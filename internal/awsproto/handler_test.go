package awsproto_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/fxamacker/cbor/v2"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
)

// echoIn exercises every member kind.
type echoIn struct {
	Name  string
	Count *int64
	Flag  *bool
	Data  []byte
	When  *time.Time
	Items []string
	Tags  map[string]string
	Inner *struct{ Value *string }
}

type echoOut struct {
	Name    string              `json:"Name"`
	Count   int64               `json:"Count"`
	Data    []byte              `json:"Data,omitempty"`
	When    *awsproto.Timestamp `json:"When,omitempty"`
	Account string              `json:"Account"`
	Region  string              `json:"Region"`
}

var echoInput = shape.Struct(
	shape.Opt("Count", shape.Int().Range(1, 10)),
	shape.Opt("Data", shape.Bytes().Len(0, 8)),
	shape.Opt("Flag", shape.Bool()),
	shape.Opt("Inner", shape.Struct(shape.Req("Value", shape.Str().Len(1, 3))).Named("Inner")),
	shape.Opt("Items", shape.ListOf(shape.Str().Len(1, 2)).Len(0, 3)),
	shape.Req("Name", shape.Str().Len(1, 5).Match(`[a-z]+`)),
	shape.Opt("Tags", shape.MapOf(shape.Str().Len(1, 3), shape.Str())),
	shape.Opt("When", shape.Time()),
).Named("EchoInput")

func newTestHandler() http.Handler {
	echo := awsproto.Op("Echo", echoInput, func(ctx context.Context, in *echoIn) (*echoOut, error) {
		c := awsproto.CallerFrom(ctx)
		out := &echoOut{Name: in.Name, Data: in.Data, Account: c.AccountID, Region: c.Region}
		if in.Count != nil {
			out.Count = *in.Count
		}
		if in.When != nil {
			out.When = awsproto.TimeOf(*in.When)
		}
		return out, nil
	})
	fail := awsproto.Op("Fail", shape.Struct(), func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		return nil, awserr.New(awserr.ResourceNotFoundException, "nothing here")
	})
	nothing := awsproto.Op("Nothing", shape.Struct(), func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		return nil, nil
	})
	svc := awsproto.NewService("Test_20200101", "kinesis", echo, fail, nothing)
	return awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000", DefaultRegion: "us-east-1"}}, svc)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// send issues a request through the handler, signed unless sign is false.
func send(t *testing.T, h http.Handler, method, contentType, target string, body []byte, sign bool) response {
	t.Helper()
	r := httptest.NewRequest(method, "http://127.0.0.1:4567/", bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	if sign {
		sum := sha256.Sum256(body)
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"},
			r, hex.EncodeToString(sum[:]), "kinesis", "eu-west-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return response{status: w.Code, header: w.Result().Header, body: b}
}

const json11 = "application/x-amz-json-1.1"

func sendJSON(t *testing.T, body string) response {
	return send(t, newTestHandler(), "POST", json11, "Test_20200101.Echo", []byte(body), true)
}

func wantJSON(t *testing.T, r response, status int, want string) {
	t.Helper()
	if r.status != status || string(r.body) != want {
		t.Fatalf("got %d %s\nwant %d %s", r.status, r.body, status, want)
	}
}

func TestProtocolOrderOfChecks(t *testing.T) {
	h := newTestHandler()
	r := send(t, h, "GET", json11, "Test_20200101.Echo", nil, true)
	if r.status != 403 || string(r.body) != "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n" {
		t.Fatalf("GET: %d %q", r.status, r.body)
	}
	wantJSON(t, send(t, h, "POST", json11, "Test_20200101.Echo", nil, true), 400, `{"__type":"SerializationException"}`)
	wantJSON(t, send(t, h, "POST", json11, "Test_20200101.Nope", nil, true), 400, `{"__type":"UnknownOperationException"}`)
	r = send(t, h, "POST", "", "Test_20200101.Echo", nil, true)
	if r.header.Get("Content-Type") != "application/x-amz-cbor-1.1" || r.status != 400 {
		t.Fatalf("empty body without content type: %d %s", r.status, r.header.Get("Content-Type"))
	}
	r = send(t, h, "POST", "text/plain", "Test_20200101.Echo", []byte("{}"), true)
	if r.status != 404 || string(r.body) != "<UnknownOperationException/>\n" {
		t.Fatalf("text/plain with target: %d %q", r.status, r.body)
	}
	r = send(t, h, "POST", "text/plain", "", []byte("{}"), true)
	if r.status != 403 || !strings.Contains(string(r.body), "AccessDeniedException") {
		t.Fatalf("text/plain without target: %d %q", r.status, r.body)
	}
	wantJSON(t, send(t, h, "POST", json11, "Test_20200101.Echo", []byte("{nope"), true), 400, `{"__type":"SerializationException"}`)
	wantJSON(t, send(t, h, "POST", "application/json", "Test_20200101.Echo", []byte("{}"), true), 200,
		`{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException","message":null},"Version":"1.0"}`)
	wantJSON(t, send(t, h, "POST", "application/json", "Test_20200101.Echo", []byte("{x"), true), 200,
		`{"Output":{"Message":null,"__type":"com.amazon.coral.service#SerializationException"},"Version":"1.0"}`)
	wantJSON(t, send(t, h, "POST", json11, "Other_1.Echo", []byte("{}"), true), 400, `{"__type":"UnknownOperationException"}`)
	// Authentication comes after the target, before the body is read (so
	// before the body parses) and the shape. AWS parses first; Sluice
	// reads no body byte for a request its headers condemn.
	wantJSON(t, send(t, h, "POST", json11, "Test_20200101.Echo", []byte(`{"Name":5}`), false), 400,
		`{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}`)
	wantJSON(t, send(t, h, "POST", json11, "Test_20200101.Echo", []byte("{nope"), false), 400,
		`{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}`)
	wantJSON(t, send(t, h, "POST", json11, "Other_1.Echo", []byte("{nope"), false), 400, `{"__type":"UnknownOperationException"}`)
	wantJSON(t, send(t, h, "POST", "application/json", "Test_20200101.Echo", []byte("{x"), false), 400,
		`{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}`)
	r = send(t, h, "POST", json11+"; charset=utf-8", "Test_20200101.Echo", []byte(`{"Name":"abc"}`), true)
	wantJSON(t, r, 200, `{"Name":"abc","Count":0,"Account":"000000000000","Region":"eu-west-1"}`)
}

func TestProtocolHeaders(t *testing.T) {
	h := newTestHandler()
	r := send(t, h, "POST", json11, "Test_20200101.Echo", []byte(`{"Name":"abc"}`), true)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(rawHeader(r, "x-amzn-RequestId")) {
		t.Fatalf("x-amzn-RequestId %q", rawHeader(r, "x-amzn-RequestId"))
	}
	if id2, err := base64.StdEncoding.DecodeString(rawHeader(r, "x-amz-id-2")); err != nil || len(id2) != 72 {
		t.Fatalf("x-amz-id-2 %q", rawHeader(r, "x-amz-id-2"))
	}
	if r.header.Get("Content-Type") != json11 {
		t.Fatalf("content type %q", r.header.Get("Content-Type"))
	}
	r = send(t, h, "POST", json11, "Test_20200101.Fail", []byte(`{}`), true)
	wantJSON(t, r, 400, `{"__type":"ResourceNotFoundException","message":"nothing here"}`)
	if rawHeader(r, "x-amzn-ErrorType") != "ResourceNotFoundException" || rawHeader(r, "x-amzn-RequestId") == "" {
		t.Fatalf("error headers %v", r.header)
	}
	r = send(t, h, "POST", json11, "Test_20200101.Nothing", []byte(`{}`), true)
	if r.status != 200 || len(r.body) != 0 {
		t.Fatalf("empty output: %d %q", r.status, r.body)
	}
	// Every XML answer says so (Go would sniff text/plain).
	for _, r := range []response{
		send(t, h, "GET", json11, "Test_20200101.Echo", nil, true),
		send(t, h, "DELETE", "", "", nil, false),
		send(t, h, "POST", "text/plain", "Test_20200101.Echo", []byte("{}"), true),
		send(t, h, "POST", "text/plain", "", []byte("{}"), true),
	} {
		if r.header.Get("Content-Type") != "application/xml" || !bytes.HasPrefix(r.body, []byte("<")) {
			t.Fatalf("XML answer %d %q with Content-Type %q", r.status, r.body, r.header.Get("Content-Type"))
		}
	}
}

func TestSerializationExceptions(t *testing.T) {
	big := `{"Name":"abc","Count":`
	cases := []struct{ body, msg string }{
		{`{"Name":true}`, "class java.lang.Boolean can not be converted to an String"},
		{`{"Name":23}`, "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"},
		{`{"Name":34.56}`, "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"},
		{`{"Name":[]}`, "Start of list found where not expected"},
		{`{"Name":{}}`, "Start of structure or map found where not expected."},
		{`{"Name":"a","Count":"23"}`, "class java.lang.String can not be converted to an Integer"},
		{`{"Name":"a","Count":true}`, "class java.lang.Boolean can not be converted to an Integer"},
		{`{"Name":"a","Flag":"hello"}`, "'HELLO' can not be converted to an Boolean"},
		{`{"Name":"a","Flag":23}`, "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean"},
		{`{"Name":"a","Data":true}`, "class java.lang.Boolean can not be converted to a Blob"},
		{`{"Name":"a","Data":"23456"}`, "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
		{`{"Name":"a","Data":"=+/="}`, "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"},
		{`{"Name":"a","Data":"+/+="}`, "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"},
		{`{"Name":"a","When":"2020-01-01"}`, "class java.lang.String can not be converted to milliseconds since epoch"},
		{`{"Name":"a","Items":"23"}`, "Expected list or null"},
		{`{"Name":"a","Items":{}}`, "Start of structure or map found where not expected."},
		{`{"Name":"a","Tags":23}`, "Expected map or null"},
		{`{"Name":"a","Tags":[]}`, "Start of list found where not expected"},
		{`{"Name":"a","Inner":"x"}`, "Expected null"},
		{`{"Name":"a","Inner":[]}`, "Start of list found where not expected"},
		{`{"Name":"a","Items":[true]}`, "class java.lang.Boolean can not be converted to an String"},
	}
	for _, tc := range cases {
		want, _ := json.Marshal(map[string]string{"Message": tc.msg, "__type": "SerializationException"})
		wantJSON(t, sendJSON(t, tc.body), 400, string(want))
	}
	// Numbers are floored and clamped as Coral does, then validated.
	r := sendJSON(t, big+`5.9}`)
	wantJSON(t, r, 200, `{"Name":"abc","Count":5,"Account":"000000000000","Region":"eu-west-1"}`)
	r = sendJSON(t, big+`1e30}`)
	wantJSON(t, r, 400, `{"__type":"ValidationException","message":"1 validation error detected: Value '2147483647' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10"}`)
}

func TestValidationMessages(t *testing.T) {
	cases := []struct{ body, msg string }{
		{`{}`, "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{`{"Name":""}`, "2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+; Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{`{"Name":"abc","Count":0,"Data":"AAAAAAAAAAAAAA=="}`, "2 validation errors detected: Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1; Value 'java.nio.HeapByteBuffer[pos=0 lim=10 cap=10]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 8"},
		{`{"Name":"abc","Inner":{}}`, "1 validation error detected: Value null at 'inner.value' failed to satisfy constraint: Member must not be null"},
		{`{"Name":"abc","Items":["a","bcd","e","f"]}`, "2 validation errors detected: Value '[a, bcd, e, f]' at 'items' failed to satisfy constraint: Member must have length less than or equal to 3; Value '[a, bcd, e, f]' at 'items' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2, Member must have length greater than or equal to 1]"},
		{`{"Name":"abc","Tags":{"long":"x"}}`, "1 validation error detected: Value '{long=x}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 3, Member must have length greater than or equal to 1]"},
	}
	for _, tc := range cases {
		want, _ := json.Marshal(map[string]string{"__type": "ValidationException", "message": tc.msg})
		wantJSON(t, sendJSON(t, tc.body), 400, string(want))
	}
}

func TestCBORRoundTrip(t *testing.T) {
	h := newTestHandler()
	when := time.UnixMilli(1459799926480)
	body, _ := cbor.Marshal(map[string]any{
		"Name":  "abc",
		"Count": 3,
		"Data":  []byte{0, 1, 2, 255},
		"When":  cbor.Tag{Number: 1, Content: when.UnixMilli()},
	})
	r := send(t, h, "POST", "application/x-amz-cbor-1.1", "Test_20200101.Echo", body, true)
	if r.status != 200 || r.header.Get("Content-Type") != "application/x-amz-cbor-1.1" {
		t.Fatalf("CBOR: %d %s %x", r.status, r.header.Get("Content-Type"), r.body)
	}
	var out map[string]cbor.RawMessage
	if err := cbor.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	var data []byte
	cbor.Unmarshal(out["Data"], &data)
	if !bytes.Equal(data, []byte{0, 1, 2, 255}) {
		t.Fatalf("blob came back as %x", out["Data"])
	}
	var tag cbor.Tag
	if err := cbor.Unmarshal(out["When"], &tag); err != nil || tag.Number != 1 {
		t.Fatalf("timestamp came back as %x (%v)", out["When"], err)
	}
	if ms, ok := tag.Content.(uint64); !ok || int64(ms) != when.UnixMilli() {
		t.Fatalf("timestamp content %#v, want integer milliseconds %d", tag.Content, when.UnixMilli())
	}
	// Errors come back in CBOR too.
	bad, _ := cbor.Marshal(map[string]any{"Name": 5})
	r = send(t, h, "POST", "application/x-amz-cbor-1.1", "Test_20200101.Echo", bad, true)
	var e map[string]string
	if err := cbor.Unmarshal(r.body, &e); err != nil || r.status != 400 || e["__type"] != "SerializationException" || e["Message"] == "" {
		t.Fatalf("CBOR error: %d %v %v", r.status, e, err)
	}
	r = send(t, h, "POST", "application/x-amz-cbor-1.1", "Test_20200101.Echo", []byte{0xff, 0x00}, true)
	if err := cbor.Unmarshal(r.body, &e); err != nil || e["__type"] != "SerializationException" {
		t.Fatalf("malformed CBOR: %d %v", r.status, e)
	}
}

func TestBodyLimit(t *testing.T) {
	h := awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000"}, MaxBodyBytes: 100},
		awsproto.NewService("Test_20200101", "kinesis"))
	r := send(t, h, "POST", json11, "Test_20200101.Echo", bytes.Repeat([]byte(" "), 101), true)
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", r.status)
	}
}

// rawHeader reads a header by the exact spelling AWS uses on the wire.
func rawHeader(r response, name string) string {
	if v := r.header[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// TestValueLimit: a body of many tiny values is refused before it is
// decoded into the generic tree, which would cost tens of times its size;
// a body under the limit is decoded as usual.
func TestValueLimit(t *testing.T) {
	h := newTestHandler()
	zeros := []byte(`{"Name":"abc","Items":[` + strings.Repeat("0,", 4<<20) + `0]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := send(t, h, "POST", json11, "Test_20200101.Echo", zeros, true)
	runtime.ReadMemStats(&after)
	wantJSON(t, r, 400, `{"__type":"SerializationException"}`)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("refusing an 8 MiB body of 4M values allocated %d MiB", alloc>>20)
	}
	wantJSON(t, send(t, h, "POST", "application/json", "Test_20200101.Echo", zeros, true), 200,
		`{"Output":{"Message":null,"__type":"com.amazon.coral.service#SerializationException"},"Version":"1.0"}`)
	cborZeros := append([]byte{0xa1, 0x65, 'I', 't', 'e', 'm', 's', 0x9a, 0x00, 0x40, 0x00, 0x00}, make([]byte, 4<<20)...)
	r = send(t, h, "POST", "application/x-amz-cbor-1.1", "Test_20200101.Echo", cborZeros, true)
	var e map[string]any
	if err := cbor.Unmarshal(r.body, &e); err != nil || r.status != 400 || e["__type"] != "SerializationException" {
		t.Fatalf("CBOR: %d %v %v", r.status, e, err)
	}
	// Under the limit: decoded, then the shape speaks.
	many := []byte(`{"Name":"abc","Items":[` + strings.Repeat(`"a",`, 100_000) + `"a"]}`)
	r = send(t, h, "POST", json11, "Test_20200101.Echo", many, true)
	if r.status != 400 || !strings.Contains(string(r.body), "ValidationException") {
		t.Fatalf("100,001 items: %d %.200s", r.status, r.body)
	}
}
