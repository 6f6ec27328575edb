// Package clustertest runs a Sluice cluster inside a test: etcd members
// embedded in the test process, versitygw as the object store, and Sluice
// nodes as real processes of the sluice binary, each reaching etcd through
// its own TCP proxies so that a test can partition it.
//
// The pieces compose as
//
//	test process                          child processes
//	┌──────────────────────────────┐
//	│ etcd 127.0.0.21…  (Etcd)     │◄─┐
//	│ Proxy per (node, member) ────┼──┘◄── node n1 127.0.0.11 (Node) ──┐
//	│ Proxy per (node, member) ────┼─────◄ node n2 127.0.0.12          ├─► versitygw
//	│ Proxy per (node, member) ────┼─────◄ node n3 127.0.0.13 ─────────┘   (testserver)
//	└──────────────────────────────┘
//
// and the faults a test injects are process signals (Node.Kill, Pause,
// Resume, Stop, Restart) and network cuts between a node and etcd
// (Node.Partition, Heal). Cluster starts the whole set; Owner reads
// GET /cluster/status to find which node serves.
//
// Nothing here tests the product by itself: the fault-injection test and
// its checker live in package cluster's tests.
package clustertest
