package config

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c != Defaults() {
		t.Fatalf("no settings gave %+v", c)
	}
	if c.Listen != "127.0.0.1:4567" || c.DataDir != "./data" || c.Region != "us-east-1" || c.AccountID != "000000000000" ||
		c.CreateDelay != 500*time.Millisecond || c.Auth != AuthOpen {
		t.Fatalf("defaults %+v", c)
	}
}

func TestPrecedenceFlagsEnvFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sluice.json")
	os.WriteFile(file, []byte(`{"listen":"127.0.0.1:1","data-dir":"/from/file","region":"eu-west-1","create-delay":"2s","shard-limit":7}`), 0o600)
	e := env(map[string]string{
		"SLUICE_CONFIG":     file,
		"SLUICE_DATA_DIR":   "/from/env",
		"SLUICE_REGION":     "eu-north-1",
		"SLUICE_ACCOUNT_ID": "123456789012",
	})
	c, err := Load([]string{"--region", "ap-south-1", "--delete-delay", "0"}, e, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:1" || c.DataDir != "/from/env" || c.Region != "ap-south-1" || c.AccountID != "123456789012" ||
		c.CreateDelay != 2*time.Second || c.DeleteDelay != 0 || c.ShardLimit != 7 {
		t.Fatalf("got %+v", c)
	}
	// A bare number is milliseconds.
	c, _ = Load([]string{"--create-delay", "250"}, env(nil), &bytes.Buffer{})
	if c.CreateDelay != 250*time.Millisecond {
		t.Fatalf("create-delay %v", c.CreateDelay)
	}
}

func TestInvalid(t *testing.T) {
	cases := map[string][]string{
		"account-id":     {"--account-id", "12"},
		"region":         {"--region", "Mars"},
		"listen":         {"--listen", "nowhere"},
		"credentials":    {"--auth", "sigv4"},
		"auth":           {"--auth", "maybe"},
		"create-delay":   {"--create-delay", "-1s"},
		"not a duration": {"--update-delay", "soon"},
		"log-level":      {"--log-level", "loud"},
	}
	for want, args := range cases {
		_, err := Load(args, env(nil), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v, want an error about %s", args, err, want)
		}
	}
	file := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(file, []byte(`{"lisen":"x"}`), 0o600)
	if _, err := Load([]string{"--config", file}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `unknown key "lisen"`) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestHelpListsEveryFlagWithItsEnv(t *testing.T) {
	var out bytes.Buffer
	_, err := Load([]string{"--help"}, env(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	var c Config
	for _, o := range options(&c) {
		if !strings.Contains(out.String(), "-"+o.name) || !strings.Contains(out.String(), EnvName(o.name)) {
			t.Errorf("--help does not document %s (%s)", o.name, EnvName(o.name))
		}
	}
	if !strings.Contains(out.String(), "-config") {
		t.Error("--help does not document --config")
	}
}

func TestMaxInflightBytes(t *testing.T) {
	if Defaults().MaxInflightBytes != 256<<20 {
		t.Fatalf("default %d", Defaults().MaxInflightBytes)
	}
	for v, want := range map[string]int64{"64MiB": 64 << 20, "1GiB": 1 << 30, "20000KiB": 20000 << 10, "17000000": 17000000, "17000000B": 17000000, " 32 MiB ": 32 << 20} {
		c, err := Load([]string{"--max-inflight-bytes", v}, env(nil), &bytes.Buffer{})
		if err != nil || c.MaxInflightBytes != want {
			t.Errorf("%q: %d, %v; want %d", v, c.MaxInflightBytes, err, want)
		}
	}
	c, err := Load(nil, env(map[string]string{"SLUICE_MAX_INFLIGHT_BYTES": "512MiB"}), &bytes.Buffer{})
	if err != nil || c.MaxInflightBytes != 512<<20 {
		t.Errorf("env: %d, %v", c.MaxInflightBytes, err)
	}
	file := filepath.Join(t.TempDir(), "sluice.json")
	os.WriteFile(file, []byte(`{"max-inflight-bytes":"128MiB","cors-allow-origin":"http://localhost:3000"}`), 0o600)
	if c, err := Load([]string{"--config", file}, env(nil), &bytes.Buffer{}); err != nil || c.MaxInflightBytes != 128<<20 || c.CORSAllowOrigins != "http://localhost:3000" {
		t.Errorf("file: %+v, %v", c, err)
	}
	for _, v := range []string{"lots", "1GB", "-5MiB", "1MiB", "16777215", "9999999999GiB"} {
		if _, err := Load([]string{"--max-inflight-bytes", v}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "max-inflight-bytes") {
			t.Errorf("%q: %v, want an error about max-inflight-bytes", v, err)
		}
	}
	v := bytesVal(256 << 20)
	if v.String() != "256MiB" {
		t.Errorf("String() = %q", v.String())
	}
}

func TestCORSAllowOrigin(t *testing.T) {
	if o, err := Defaults().CORSOrigins(); err != nil || len(o) != 0 {
		t.Fatalf("default: %v, %v", o, err)
	}
	c, err := Load(nil, env(map[string]string{"SLUICE_CORS_ALLOW_ORIGIN": " http://localhost:3000, HTTPS://App.Example.com:8443/ ,,*"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := c.CORSOrigins()
	if strings.Join(got, " ") != "http://localhost:3000 https://app.example.com:8443 *" {
		t.Fatalf("origins %q", got)
	}
	for _, v := range []string{"localhost:3000", "ftp://x", "http://", "http://x/app", "http://x?y", "http://u@x", "null", "http://x#f"} {
		if _, err := Load([]string{"--cors-allow-origin", v}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "cors-allow-origin") {
			t.Errorf("%q: %v, want an error about cors-allow-origin", v, err)
		}
	}
}

func TestKMSSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sluice.json")
	os.WriteFile(file, []byte(`{"kms-region":"eu-west-1","kms-access-key":"AKIDFILE"}`), 0o600)
	c, err := Load([]string{"--kms-endpoint", "http://127.0.0.1:4599"}, env(map[string]string{"SLUICE_CONFIG": file, "SLUICE_KMS_SECRET_KEY": "s"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.KMSEndpoint != "http://127.0.0.1:4599" || c.KMSRegion != "eu-west-1" || c.KMSAccessKey != "AKIDFILE" || c.KMSSecretKey != "s" {
		t.Fatalf("kms settings %+v", c)
	}
	for _, args := range [][]string{
		{"--kms-endpoint", "127.0.0.1:4599"},
		{"--kms-endpoint", "http://127.0.0.1:4599", "--kms-key-file", "/k.json"},
		{"--kms-region", "nowhere"},
	} {
		if _, err := Load(args, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "kms-") {
			t.Errorf("%v: %v", args, err)
		}
	}
	c, err = Load(nil, env(map[string]string{"SLUICE_KMS_KEY_FILE": "/secrets/keys.json"}), &bytes.Buffer{})
	if err != nil || c.KMSKeyFile != "/secrets/keys.json" {
		t.Fatalf("SLUICE_KMS_KEY_FILE: %+v %v", c.KMSKeyFile, err)
	}
}

// TestHostileInputSettings: the hostile-input and audit settings come from
// flags, the environment and the file alike, and bad values are refused.
func TestHostileInputSettings(t *testing.T) {
	c := Defaults()
	if c.ReadHeaderTimeout != 10*time.Second || c.IdleTimeout != 2*time.Minute || c.BodyTimeout != 2*time.Minute ||
		c.MaxHeaderBytes != 64<<10 || c.MaxConnections != 4096 || c.HTTP2MaxConcurrentStreams != 250 ||
		c.KeyRateLimit != 0 || c.KeyRateBurst != 0 || c.AuditLog != "" || c.AuditLogMaxBytes != 64<<20 {
		t.Fatalf("defaults %+v", c)
	}
	file := filepath.Join(t.TempDir(), "sluice.json")
	os.WriteFile(file, []byte(`{"key-rate-limit":2.5,"audit-log":"/var/log/a.jsonl","max-connections":100,"idle-timeout":"30s"}`), 0o600)
	c, err := Load([]string{"--key-rate-burst", "10", "--max-header-bytes", "8KiB"},
		env(map[string]string{"SLUICE_CONFIG": file, "SLUICE_BODY_TIMEOUT": "5s", "SLUICE_HTTP2_MAX_CONCURRENT_STREAMS": "50", "SLUICE_AUDIT_LOG_MAX_BYTES": "1MiB"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.KeyRateLimit != 2.5 || c.KeyRateBurst != 10 || c.AuditLog != "/var/log/a.jsonl" || c.MaxConnections != 100 || c.IdleTimeout != 30*time.Second ||
		c.BodyTimeout != 5*time.Second || c.HTTP2MaxConcurrentStreams != 50 || c.MaxHeaderBytes != 8<<10 || c.AuditLogMaxBytes != 1<<20 {
		t.Fatalf("loaded %+v", c)
	}
	for _, args := range [][]string{
		{"--read-header-timeout", "0"}, {"--max-header-bytes", "100"}, {"--max-connections", "-1"},
		{"--http2-max-concurrent-streams", "0"}, {"--key-rate-limit", "-1"}, {"--key-rate-limit", "NaN"}, {"--audit-log-max-bytes", "1KiB"},
	} {
		if _, err := Load(args, env(nil), &bytes.Buffer{}); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}
