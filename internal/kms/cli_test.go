package kms

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"SLUICE_DATA_DIR": dir, "SLUICE_ACCOUNT_ID": "111122223333"}
	sluice := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(args, func(k string) string { return env[k] }, &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, stderr := sluice("create-key", "--alias", "alias/orders", "--description", "orders")
	if code != 0 {
		t.Fatalf("create-key: %d %s", code, stderr)
	}
	var created struct {
		KeyMetadata struct{ KeyId, Arn, KeyState string }
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.KeyMetadata.KeyState != "Enabled" ||
		!strings.HasPrefix(created.KeyMetadata.Arn, "arn:aws:kms:us-east-1:111122223333:key/") {
		t.Fatalf("create-key printed %s (%v)", out, err)
	}
	if code, _, stderr := sluice("create-key", "--alias", "alias/orders"); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("a second alias/orders: %d %s", code, stderr)
	}
	if code, out, stderr := sluice("disable-key", created.KeyMetadata.Arn); code != 0 || !strings.Contains(out, `"KeyState": "Disabled"`) {
		t.Fatalf("disable-key: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := sluice("disable-key", "alias/missing"); code != 1 || !strings.Contains(stderr, "is not found") {
		t.Fatalf("disable-key of a missing alias: %d %s", code, stderr)
	}
	code, out, _ = sluice("list-keys")
	if code != 0 || !strings.Contains(out, created.KeyMetadata.KeyId) || !strings.Contains(out, "Disabled") || !strings.Contains(out, "alias/orders") {
		t.Fatalf("list-keys: %d %s", code, out)
	}
	if code, _, _ := sluice("enable-key", "--region", "us-east-1", "alias/orders"); code != 0 {
		t.Fatal("enable-key")
	}
	checkMode(t, filepath.Join(dir, KeyFileName), 0o600)
	if code, _, _ := sluice("rotate"); code != 2 {
		t.Fatal("an unknown command did not fail")
	}
}
