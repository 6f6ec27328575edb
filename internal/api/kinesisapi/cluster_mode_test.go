package kinesisapi_test

// With SLUICE_TEST_CLUSTER=3 (as `make test` runs this package a second
// time), every test of the package runs against a cluster of three nodes
// over etcd and versitygw, its clients talking to a node that forwards to
// the owner.
import _ "sluice/internal/testserver/clusterserver"
