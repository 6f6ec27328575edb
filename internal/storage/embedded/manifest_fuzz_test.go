package embedded_test

import (
	"os"
	"path/filepath"
	"testing"

	"sluice/internal/storage/embedded"
)

// FuzzQuarantinedManifest lists and restores a quarantined log whose
// manifest is arbitrary bytes: never a panic; a manifest that does not
// hold a key and a JSON value is reported, and its log stays put.
func FuzzQuarantinedManifest(f *testing.F) {
	f.Add([]byte(`{"key":"streams/000000000000/us-east-1/s","value":{"id":"x"}}` + "\n"))
	f.Add([]byte(`{"key":"","value":null}`))
	f.Add([]byte(`{"key":"k","value":{`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, manifest []byte) {
		dir := t.TempDir()
		logDir := filepath.Join(dir, "quarantine", "aaaaaaaaaaaaaaaaaaaa-001")
		if err := os.MkdirAll(logDir, 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(logDir, "manifest.json"), manifest, 0o600)
		logs, err := embedded.ListQuarantined(dir)
		if err != nil || len(logs) != 1 {
			t.Fatalf("ListQuarantined = %v, %v", logs, err)
		}
		err = embedded.MarkForRestore(dir, logs[0].Name)
		if (logs[0].Manifest == nil) != (err != nil) {
			t.Fatalf("listed as restorable=%v, but MarkForRestore = %v", logs[0].Manifest != nil, err)
		}
		if err != nil {
			if _, serr := os.Stat(logDir); serr != nil {
				t.Fatal("a log that cannot be restored was moved")
			}
		}
	})
}
