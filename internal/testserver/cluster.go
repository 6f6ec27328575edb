package testserver

import (
	"os"
	"strconv"
	"testing"

	"sluice/internal/server"
)

// ClusterEnv names the environment variable that makes Start run each
// test server as a cluster of that many nodes (in this process, over one
// etcd and versitygw), for test binaries that import package
// testserver/clusterserver; the clients then talk to a node that forwards
// to the owner.
const ClusterEnv = "SLUICE_TEST_CLUSTER"

// ClusterStarter starts a cluster for Start: it returns the owner's
// services, the URLs of the node the clients use (tlsURL when o's
// configuration serves TLS), and how to stop it all.
type ClusterStarter func(t testing.TB, nodes int, o server.Options) (srv *server.Server, url, tlsURL string, stop func())

// StartCluster is set by package clusterserver.
var StartCluster ClusterStarter

// SkipInCluster skips a test that cannot run against a cluster, saying why.
func SkipInCluster(t testing.TB, why string) {
	t.Helper()
	if clusterNodes() > 0 {
		t.Skip("not in cluster mode: " + why)
	}
}

// clusterNodes is the number of nodes of ClusterEnv, 0 when cluster mode
// is off or not linked in.
func clusterNodes() int {
	if StartCluster == nil {
		return 0
	}
	n, err := strconv.Atoi(os.Getenv(ClusterEnv))
	if err != nil || n < 1 {
		return 0
	}
	return n
}
