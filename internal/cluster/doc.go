// Package cluster runs a Sluice node of a cluster: several nodes share
// etcd (metadata, leases, the election) and an S3-compatible bucket
// (records), and none holds state the others cannot take over.
//
// # Ownership
//
// Every node joins an etcd election under <prefix>owner/ with a session
// lease of --lease-ttl, and registers under <prefix>nodes/<id> with the
// same lease. The node that wins is the owner: it opens the cluster
// storage backend (package storage/cluster) fenced by its election key,
// builds every service on it (package server) and coordinates the
// placement of streams (coordinator.go). Every other node is a worker: it
// runs Data Streams alone (server.NewWorker), fenced by its registry key,
// for the streams placed on it (services.go).
//
// Where a stream runs is its placement key (placement.go), bound to its
// node's lease; the stream's log is fenced by the key's create revision
// too, so a node whose key went (its lease lapsed, or the owner moved the
// stream) commits nothing more for it. Each node's placer (placer.go)
// loads the streams its keys name and drops the others; a move is a
// handoff (the old node flushes and lets go, then the new one loads).
// The owner creates each stream on the least loaded node, places the
// streams of nodes that left, pins those its other services read, and
// evens loads out at the rebalance interval (plan.go decides the moves).
//
// Any node takes any request (handler.go): Data Streams requests are
// served where they arrive, and forwarded unchanged (the SigV4 signature
// still verifies: the Host header and body are kept) to the stream's node
// when the services answer that it runs elsewhere; creates, account
// settings, channels and every other service's requests go to the owner.
// A stale node that wakes up sees its session end, drops its services and
// joins the election again.
package cluster
