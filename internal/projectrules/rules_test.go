package projectrules

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Doc        string
	Deps       []string
	Name       string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json", "sluice/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// forbidden lists, per package prefix, dependencies it must not have: the
// domain and storage layers never see HTTP, the AWS wire layer or the
// Prometheus client (they keep plain counters; package server exposes
// them), and the log knows nothing above it.
var forbidden = map[string][]string{
	"sluice/internal/streams":  {"net/http", "sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "github.com/prometheus"},
	"sluice/internal/firehose": {"github.com/prometheus"},
	"sluice/internal/storage":  {"net/http", "sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/streams", "github.com/prometheus"},
	// The cluster backend's clients (etcd over gRPC, S3 through the AWS
	// SDK) bring net/http with them; it still never sees the wire layer.
	"sluice/internal/storage/cluster": {"sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/streams", "github.com/prometheus"},
	"sluice/internal/logstore":        {"net/http", "sluice/internal/awsproto", "sluice/internal/storage", "sluice/internal/streams", "github.com/prometheus"},
	"sluice/internal/vfs":             {"sluice/internal/logstore", "sluice/internal/storage"},
	"sluice/internal/awsproto":        {"sluice/internal/streams", "sluice/internal/storage", "sluice/internal/api"},

	// Data Analytics reads and writes through the other domains, never
	// through the wire layer.
	"sluice/internal/analytics": {"sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "sluice/internal/console", "github.com/prometheus"},

	// Channels run on the Firehose engine and never see the wire layer
	// (package firehose itself imports net/http for its HTTP clients).
	"sluice/internal/channels": {"sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "sluice/internal/console", "github.com/prometheus"},

	// Server-side encryption: the key package and the record sealing never
	// see HTTP (the services import them); the AWS KMS API client
	// (kms/remote) and its test server (kms/kmstest) do, and only package
	// server and tests import them. None sees the wire layer.
	"sluice/internal/kms":         {"net/http", "sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "sluice/internal/streams", "github.com/prometheus"},
	"sluice/internal/kms/remote":  {"sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "sluice/internal/streams"},
	"sluice/internal/kms/kmstest": {"sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "sluice/internal/streams"},
	"sluice/internal/sse":         {"net/http", "sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "sluice/internal/streams", "github.com/prometheus"},

	// Video Streams' domain (and its MKV and packaging packages) never
	// sees HTTP or the wire layer.
	"sluice/internal/video": {"net/http", "sluice/internal/awsproto", "sluice/internal/api", "sluice/internal/server", "sluice/internal/console", "github.com/prometheus"},
}

func TestLayering(t *testing.T) {
	for _, p := range listPackages(t) {
		for prefix, bad := range forbidden {
			if p.ImportPath != prefix && !strings.HasPrefix(p.ImportPath, prefix+"/") {
				continue
			}
			if narrower(prefix, p.ImportPath) {
				continue // its own, narrower rule above
			}
			for _, dep := range p.Deps {
				for _, b := range bad {
					if dep == b || strings.HasPrefix(dep, b+"/") {
						t.Errorf("%s depends on %s", p.ImportPath, dep)
					}
				}
			}
		}
	}
}

// narrower reports whether a package under prefix has a rule of its own
// (a longer prefix of forbidden), which then applies instead.
func narrower(prefix, importPath string) bool {
	for other := range forbidden {
		if len(other) > len(prefix) && strings.HasPrefix(other, prefix+"/") &&
			(importPath == other || strings.HasPrefix(importPath, other+"/")) {
			return true
		}
	}
	return false
}

func TestPackageDocs(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.Doc == "" {
			t.Errorf("%s has no package documentation", p.ImportPath)
		}
	}
}
