package sigv4

import (
	"strings"
	"testing"
	"time"

	"sluice/internal/awsproto/awserr"
)

func TestParseKeyring(t *testing.T) {
	k, err := ParseKeyring(strings.NewReader(`{"keys":[
		{"accessKeyId":"AKIDSLUICETEST","secretAccessKey":"sluice/Test+Secret=Key","accountId":"123456789012"},
		{"accessKeyId":"local","secretAccessKey":"x","accountId":"000000000000"}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	if k.Len() != 2 {
		t.Fatalf("Len = %d", k.Len())
	}
	got, ok := k.Lookup("AKIDSLUICETEST")
	if !ok || got != (Key{AccessKeyID: "AKIDSLUICETEST", SecretAccessKey: "sluice/Test+Secret=Key", AccountID: "123456789012"}) {
		t.Fatalf("Lookup = %+v, %v", got, ok)
	}
	if _, ok := k.Lookup("akidsluicetest"); ok {
		t.Fatal("lookup must be case-sensitive")
	}
}

func TestParseKeyringErrors(t *testing.T) {
	const ok1 = `{"accessKeyId":"A","secretAccessKey":"s","accountId":"123456789012"}`
	tests := []struct{ in, want string }{
		{``, "sigv4: keyring: EOF"},
		{`[]`, "sigv4: keyring: json: cannot unmarshal array"},
		{`{"keys":[]}`, "sigv4: keyring: no keys"},
		{`{}`, "sigv4: keyring: no keys"},
		{`{"keys":[` + ok1 + `]} {}`, "sigv4: keyring: unexpected data after the JSON object"},
		{`{"keys":[{"accessKeyId":"A","secretKey":"s","accountId":"123456789012"}]}`, `unknown field "secretKey"`},
		{`{"keys":[` + ok1 + `,{"secretAccessKey":"s","accountId":"123456789012"}]}`, `keys[1] (accessKeyId ""): accessKeyId is empty`},
		{`{"keys":[{"accessKeyId":"A/B","secretAccessKey":"s","accountId":"123456789012"}]}`,
			`keys[0] (accessKeyId "A/B"): accessKeyId must be printable ASCII without '/', ',' or spaces`},
		{`{"keys":[{"accessKeyId":"A B","secretAccessKey":"s","accountId":"123456789012"}]}`, `accessKeyId must be printable ASCII`},
		{`{"keys":[{"accessKeyId":"A","secretAccessKey":"","accountId":"123456789012"}]}`, `keys[0] (accessKeyId "A"): secretAccessKey is empty`},
		{`{"keys":[{"accessKeyId":"A","secretAccessKey":"s","accountId":"12345678901"}]}`, `keys[0] (accessKeyId "A"): accountId "12345678901" is not 12 digits`},
		{`{"keys":[{"accessKeyId":"A","secretAccessKey":"s","accountId":"12345678901x"}]}`, `accountId "12345678901x" is not 12 digits`},
		{`{"keys":[{"accessKeyId":"A","secretAccessKey":"s"}]}`, `accountId "" is not 12 digits`},
		{`{"keys":[` + ok1 + `,` + ok1 + `]}`, `keys[1] (accessKeyId "A"): duplicate accessKeyId`},
	}
	for _, tt := range tests {
		_, err := ParseKeyring(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseKeyring(%s) = %v, want %q", tt.in, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), `"s"`) {
			t.Errorf("error prints a secret: %v", err)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	k, err := ParseKeyring(strings.NewReader(`{"keys":[{"accessKeyId":"` + testKeyID + `","secretAccessKey":"` + testSecret + `","accountId":"123456789012"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	r, body := signSDK(t, sdkCases[0], signTime)
	s := mustParse(t, r)
	key, err := k.Authenticate(r, body, s, signTime)
	if err != nil || key.AccountID != "123456789012" {
		t.Fatalf("Authenticate = %+v, %v", key, err)
	}
	if _, err := k.AuthenticateScope(Scope{Services: []string{ServiceKinesis}, Regions: []string{"us-east-1"}}, r, body, s, signTime); err != nil {
		t.Fatal(err)
	}
	_, err = k.AuthenticateScope(Scope{Services: []string{ServiceFirehose}}, r, body, s, signTime)
	wantErr(t, err, awserr.InvalidSignatureException, "Credential should be scoped to correct service: 'firehose'.")

	_, err = k.Authenticate(r, []byte("changed"), s, signTime)
	wantErr(t, err, awserr.InvalidSignatureException, msgMismatch)

	// An unknown key is reported after the time and scope checks, before
	// the signature.
	other := *s
	other.AccessKeyID = "AKIDUNKNOWN"
	_, err = k.Authenticate(r, body, &other, signTime)
	wantErr(t, err, awserr.UnrecognizedClientException, "The security token included in the request is invalid.")
	_, err = k.Authenticate(r, body, &other, signTime.Add(time.Hour))
	wantErr(t, err, awserr.InvalidSignatureException,
		"Signature expired: 20130524T000000Z is now earlier than 20130524T005500Z (20130524T010000Z - 5 min.)")
	other.Terminator = "x"
	_, err = k.Authenticate(r, body, &other, signTime)
	wantErr(t, err, awserr.InvalidSignatureException, "Credential should be scoped with a valid terminator: 'aws4_request', not 'x'.")
}
