package clustertest

import (
	"net"
	"path/filepath"
	"testing"

	"sluice/internal/server"
)

// WriteCert writes a self-signed certificate (its own CA) and its key in
// a temporary directory, for 127.0.0.1 and the nodes' addresses
// 127.0.0.11 to 127.0.0.19, and returns their paths.
func WriteCert(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	var nodes []net.IP
	for i := range 9 {
		nodes = append(nodes, net.IPv4(127, 0, 0, byte(11+i)))
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := server.WriteSelfSigned(certFile, keyFile, nodes...); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
