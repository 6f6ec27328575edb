// Package cluster runs a Sluice node of a cluster: several nodes share
// etcd (metadata, leases, the election) and an S3-compatible bucket
// (records), and none holds state the others cannot take over.
//
// # Ownership
//
// Every node joins an etcd election under <prefix>owner/ with a session
// lease of --lease-ttl. The node that wins is the owner: it opens the
// cluster storage backend (package storage/cluster) fenced by its election
// key, builds the services on it (package server) and serves every API
// request. The other nodes forward each request to the owner's advertised
// URL unchanged (the SigV4 signature still verifies: the Host header and
// body are kept), so a load balancer may send anything anywhere.
//
// Every commit of the owner (a metadata transaction, a record range)
// compares its election key's create revision in the same etcd
// transaction. When the owner's lease lapses (it died, was paused, or lost
// etcd) the key is deleted by etcd, so nothing the stale owner tries after
// that can commit; the next candidate wins the election after the TTL,
// reopens the backend from etcd and the bucket, and serves. A stale owner
// that wakes up sees its session end, drops its services and joins the
// election again as a follower.
//
// One owner runs all shards, deliveries, applications and video streams
// at a time. The services can load, drop and follow single units
// (Config.Owns, Load…/Drop…/Follow in each) and plan.go decides where
// units should run, but the nodes do not spread them yet: that needs
// every node to run the services and to route each request to its unit's
// owner (docs/cluster.md, "Spreading ownership").
package cluster
