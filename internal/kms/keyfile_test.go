package kms

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	scope      = Scope{Account: "111122223333", Region: "us-east-1"}
	newKeyTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

func openTemp(t *testing.T) (*LocalKeys, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "keys.json")
	k, err := OpenLocal(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k, path
}

func wantCode(t *testing.T, err error, code Code, msg string) {
	t.Helper()
	if CodeOf(err) != code {
		t.Fatalf("got %v, want %v", err, code)
	}
	if msg != "" && MessageOf(err) != msg {
		t.Fatalf("message %q, want %q", MessageOf(err), msg)
	}
}

func TestKeyReferences(t *testing.T) {
	ctx := context.Background()
	k, _ := openTemp(t)
	key, err := k.CreateKey(scope, "alias/orders", "orders")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{key.ID, key.ARN, "alias/orders", "arn:aws:kms:us-east-1:111122223333:alias/orders"} {
		info, err := k.Describe(ctx, scope, ref)
		if err != nil || info.ARN != key.ARN || info.State != StateEnabled {
			t.Fatalf("Describe(%s) = %+v, %v", ref, info, err)
		}
	}
	_, err = k.Describe(ctx, scope, "alias/missing")
	wantCode(t, err, NotFound, "Alias 'arn:aws:kms:us-east-1:111122223333:alias/missing' is not found.")
	_, err = k.Describe(ctx, scope, "1234abcd-12ab-34cd-56ef-1234567890ab")
	wantCode(t, err, NotFound, "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist")
	_, err = k.Describe(ctx, scope, "not a key")
	wantCode(t, err, NotFound, "Invalid keyId 'not a key'")
	// The same key from another region, and another account's.
	_, err = k.Describe(ctx, Scope{Account: scope.Account, Region: "eu-west-1"}, key.ID)
	wantCode(t, err, NotFound, "")
	_, err = k.Describe(ctx, Scope{Account: "999999999999", Region: "us-east-1"}, key.ARN)
	wantCode(t, err, AccessDenied, "")
}

func TestManagedKeyOnFirstUse(t *testing.T) {
	ctx := context.Background()
	k, path := openTemp(t)
	a, err := k.Describe(ctx, scope, "alias/aws/kinesis")
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.Describe(ctx, scope, "arn:aws:kms:us-east-1:111122223333:alias/aws/kinesis")
	if err != nil || b.ARN != a.ARN {
		t.Fatalf("second use: %+v %v, first %+v", b, err, a)
	}
	other, err := k.Describe(ctx, Scope{Account: "444455556666", Region: "us-east-1"}, "alias/aws/kinesis")
	if err != nil || other.ARN == a.ARN || !strings.Contains(other.ARN, ":444455556666:") {
		t.Fatalf("another account's managed key: %+v %v", other, err)
	}
	_, err = k.Describe(ctx, scope, "alias/aws/s3")
	wantCode(t, err, NotFound, "")
	if _, err := k.CreateKey(scope, "alias/aws/mine", ""); err == nil {
		t.Fatal("created a key under alias/aws/")
	}
	// The file and its directory are private, and another reader sees the keys.
	checkMode(t, path, 0o600)
	checkMode(t, filepath.Dir(path), 0o700)
	k2, err := OpenLocal(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k2.Describe(ctx, scope, "alias/aws/kinesis"); err != nil || got.ARN != a.ARN {
		t.Fatalf("reopened: %+v %v", got, err)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Fatalf("%s: mode %v, want %v", path, got, want)
	}
}

func TestDataKeys(t *testing.T) {
	ctx := context.Background()
	k, path := openTemp(t)
	key, err := k.CreateKey(scope, "alias/orders", "")
	if err != nil {
		t.Fatal(err)
	}
	ec := map[string]string{"aws:kinesis:arn": "arn:aws:kinesis:us-east-1:111122223333:stream/s"}
	dk, err := k.GenerateDataKey(ctx, scope, "alias/orders", ec)
	if err != nil {
		t.Fatal(err)
	}
	if len(dk.Plaintext) != 32 || dk.KeyARN != key.ARN || bytes.Contains(dk.Wrapped, dk.Plaintext) {
		t.Fatalf("data key %+v", dk)
	}
	plain, err := k.Decrypt(ctx, scope, "", dk.Wrapped, ec)
	if err != nil || !bytes.Equal(plain, dk.Plaintext) {
		t.Fatalf("Decrypt = %x, %v", plain, err)
	}
	if _, err := k.Decrypt(ctx, scope, key.ARN, dk.Wrapped, ec); err != nil {
		t.Fatal(err)
	}
	_, err = k.Decrypt(ctx, scope, "", dk.Wrapped, map[string]string{"aws:kinesis:arn": "other"})
	wantCode(t, err, Invalid, "")
	other, _ := k.CreateKey(scope, "", "")
	_, err = k.Decrypt(ctx, scope, other.ID, dk.Wrapped, ec)
	wantCode(t, err, AccessDenied, "")
	_, err = k.Decrypt(ctx, Scope{Account: "999999999999", Region: "us-east-1"}, "", dk.Wrapped, ec)
	wantCode(t, err, AccessDenied, "")

	// Disabling the key in the file (as `sluice kms disable-key` does, from
	// another process) stops both at once.
	admin, err := OpenLocal(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.SetState(scope, "alias/orders", StateDisabled); err != nil {
		t.Fatal(err)
	}
	_, err = k.GenerateDataKey(ctx, scope, "alias/orders", ec)
	wantCode(t, err, Disabled, key.ARN+" is disabled.")
	_, err = k.Decrypt(ctx, scope, "", dk.Wrapped, ec)
	wantCode(t, err, Disabled, "")
	if info, err := k.Describe(ctx, scope, key.ID); err != nil || info.State != StateDisabled {
		t.Fatalf("Describe of a disabled key: %+v %v", info, err)
	}
	if _, err := admin.SetState(scope, key.ARN, StateEnabled); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Decrypt(ctx, scope, "", dk.Wrapped, ec); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedKeyFile(t *testing.T) {
	k, path := openTemp(t)
	if _, err := k.CreateKey(scope, "alias/a", ""); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// One character of the material changed to another base64 letter, so
	// the file still reads and only its checksum can tell (a flipped bit
	// could make '+' or '/' an invalid character instead).
	i := bytes.Index(b, []byte(`"material": "`)) + len(`"material": "`)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenLocal(path, nil); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("a damaged key file opened: %v", err)
	}
}

func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Ref
		ok   bool
	}{
		{"1234abcd-12ab-34cd-56ef-1234567890ab", Ref{ID: "1234abcd-12ab-34cd-56ef-1234567890ab"}, true},
		{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", Ref{Account: "111122223333", Region: "us-east-1", ID: "1234abcd-12ab-34cd-56ef-1234567890ab"}, true},
		{"alias/aws/kinesis", Ref{Alias: "alias/aws/kinesis"}, true},
		{"arn:aws:kms:eu-west-1:111122223333:alias/x", Ref{Account: "111122223333", Region: "eu-west-1", Alias: "alias/x"}, true},
		{"alias/", Ref{}, false},
		{"alias/x/", Ref{}, false},
		{"key/1234abcd-12ab-34cd-56ef-1234567890ab", Ref{}, false},
		{"arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab", Ref{}, false},
		{"arn:aws:s3:us-east-1:111122223333:alias/x", Ref{}, false},
		{"", Ref{}, false},
	} {
		got, err := ParseRef(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRef(%q) = %+v, %v", tc.in, got, err)
		}
	}
}
