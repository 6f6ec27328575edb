package console_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// The console acts with the signed-in key's permissions, and sign-in
// attempts are rate limited per key and per client.
func TestConsoleActsWithTheKeysPolicyAndLimitsSignIns(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials.json")
	os.WriteFile(creds, []byte(`{"keys":[
		{"accessKeyId":"AKIDADMIN","secretAccessKey":"admin-secret","accountId":"111122223333"},
		{"accessKeyId":"AKIDVIEWER","secretAccessKey":"viewer-secret","accountId":"111122223333","userName":"viewer",
		 "policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesis:List*","kinesis:Describe*"],"Resource":"*"}]}},
		{"accessKeyId":"AKIDTARGET","secretAccessKey":"target-secret","accountId":"111122223333"}]}`), 0o600)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.Auth, c.Credentials = config.AuthSigV4, creds
	}))
	login := func(b *browser, key, secret string) int {
		status, _, _ := b.do("POST", "/console/login", `{"accessKeyId":"`+key+`","secretAccessKey":"`+secret+`"}`, nil)
		return status
	}

	viewer := newBrowser(t, srv.URL)
	if status := login(viewer, "AKIDVIEWER", "viewer-secret"); status != 200 {
		t.Fatalf("viewer sign-in: %d", status)
	}
	viewer.session()
	if status, body := viewer.call("ListStreams", "{}", true); status != 200 {
		t.Fatalf("viewer lists: %d %s", status, body)
	}
	status, body := viewer.call("CreateStream", `{"StreamName":"v","ShardCount":1}`, true)
	if status != 400 || !strings.Contains(body, "AccessDeniedException") || !strings.Contains(body, "user/viewer is not authorized to perform: kinesis:CreateStream") {
		t.Fatalf("viewer creates: %d %s", status, body)
	}
	// The console's own reads beyond the API need their permissions too.
	for _, path := range []string{"/console/object?bucket=b&key=k", "/console/objects?bucket=b", "/console/metrics?minutes=5&stream=v",
		"/console/firehose/failures?name=d", "/console/analytics/live?application=a"} {
		status, _, body := viewer.do("GET", path, "", nil)
		if status != 403 || !strings.Contains(body, "AccessDeniedException") || !strings.Contains(body, "user/viewer is not authorized") {
			t.Errorf("viewer GET %s: %d %s", path, status, body)
		}
	}
	admin := newBrowser(t, srv.URL)
	if status := login(admin, "AKIDADMIN", "admin-secret"); status != 200 {
		t.Fatalf("admin sign-in: %d", status)
	}
	admin.session()
	if status, body := admin.call("CreateStream", `{"StreamName":"a","ShardCount":1}`, true); status != 200 {
		t.Fatalf("admin creates: %d %s", status, body)
	}
	if status, _, body := admin.do("GET", "/console/metrics?minutes=5&stream=a", "", nil); status != 200 {
		t.Fatalf("admin metrics: %d %s", status, body)
	}

	// Guessing one key's secret: after its burst, even the right secret
	// waits; the client's other keys still sign in until the client's own
	// budget is spent too.
	guesser := newBrowser(t, srv.URL)
	for i := range 5 {
		if status := login(guesser, "AKIDTARGET", "guess"); status != 401 {
			t.Fatalf("guess %d: %d", i, status)
		}
	}
	status, hdr, body := guesser.do("POST", "/console/login", `{"accessKeyId":"AKIDTARGET","secretAccessKey":"target-secret"}`, nil)
	if status != 429 || hdr.Get("Retry-After") == "" || !strings.Contains(body, "ThrottlingException") {
		t.Fatalf("sixth attempt on the key: %d %q %s", status, hdr.Get("Retry-After"), body)
	}
	// Two sign-ins above and six here, all from 127.0.0.1: the client has
	// two of its ten attempts left, for any key.
	for i := range 2 {
		if status := login(guesser, "AKIDADMIN", "admin-secret"); status != 200 {
			t.Fatalf("another key from the same client (%d): %d", i, status)
		}
	}
	if status := login(guesser, "AKIDADMIN", "admin-secret"); status != 429 {
		t.Fatalf("past the client's budget: %d", status)
	}
}
