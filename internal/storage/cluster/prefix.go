package cluster

// MetaPrefix is where the MetaStore keys of the cluster with prefix live
// in etcd: a metadata key k is MetaPrefix(prefix)+k (for status readers
// that scan etcd without opening a backend).
func MetaPrefix(prefix string) string { return newKeys(prefix).meta() }
