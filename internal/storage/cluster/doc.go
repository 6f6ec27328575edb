// Package cluster is Sluice's distributed storage backend: metadata in etcd,
// records in objects of an S3-compatible store, and an etcd index of which
// object holds which run of each shard's records. Records never go to etcd.
//
// One node at a time owns the cluster (an etcd election, see package
// internal/cluster) and opens this backend; the others forward requests to
// it. Everything below is written by that owner only (or, for a log
// placed on another node, by that node: see Fencing), and every etcd write
// carries its fence. Any other node may open the backend read-only
// (OpenReadOnly): its logs are views that read what the owner committed
// and follow its commits through an etcd watch (see view.go), the step
// towards spreading logs over several owners (docs/cluster.md).
//
// # Why it is written by hand
//
// Nothing off the shelf stores Kinesis-shaped logs on etcd and S3: dense
// per-shard counters assigned by one writer, group commit into objects,
// seeks by counter and by arrival time, retention by deleting whole objects,
// and fencing of a deposed writer. The systems built this way for Kafka
// (WarpStream, Bufstream, AutoMQ) are whole servers with Kafka's
// semantics, not libraries to build on; etcd's client and the S3 SDK are
// the libraries, and this package is the log between them.
//
// # Fencing
//
// Options.Fence is the owner's election key and its create revision. Every
// transaction the backend sends (MetaStore.Update, a flush's commit,
// Expire, a compaction's swap, Describe and the other RecordStore writes)
// starts with
//
//	Compare(CreateRevision(fence.Key), "=", fence.Revision)
//
// and reads the fence key in its Else branch. An owner whose lease lapsed
// has lost that key (a new owner's key has another create revision), so it
// can never commit again, whatever it believes; the first refused commit
// tells it why, and from then on the backend is fenced: Append, Update and
// Expire fail with ErrFenced. Objects are written before their commit, so
// a fenced owner may leave objects behind, but never references to them:
// nothing it wrote after it lost the fence is visible. Counters are
// assigned from the committed index, so they are never reused either.
//
// A log may carry a fence of its own beside the backend's (Place): a key
// that the node a placement assigned the log to holds under its session
// lease. Every write of that log (the ones above, Describe, MarkRemoving,
// Disown and Remove of it, and the MetaStore updates of the key its
// manifest names, learnt when the log is opened or described) then
// compares both, and reads both in its Else branch; when only the log's
// key is gone, that log's writes fail with ErrLogMoved and the node's other
// logs go on. (A removal's deletion of objects and of its gone key, which
// follow the committed removal, carry the backend's fence only.) Release
// closes a log, flushing what is queued, so that another node can take it
// over and find everything acknowledged committed. Nothing in Sluice
// places logs yet: one node owns them all (docs/cluster.md says what the
// rest of that step takes).
//
// # etcd keys
//
// Under Options.Prefix (P, e.g. "/sluice/"); numbers are fixed-width
// lowercase hex so that key order is numeric order:
//
//	P meta/<key>                           MetaStore values, as given
//	P ids/<log>                            "live" or "quarantined": the log exists
//	P gone/<log>                           the log was removed; its objects are being deleted
//	P logs/<log>/manifest                  storage.Manifest, JSON
//	P logs/<log>/removing                  present while its owner removes it (MarkRemoving)
//	P logs/<log>/restore                   put by `sluice recover --restore` (ids/<log> back to live): adopt it (Disown)
//	P logs/<log>/shards/<shard:8>          counter mark: next counter, last arrival
//	P logs/<log>/ranges/<shard:8>/<first:16>  range: where records first..last of the shard lie
//
// Values of range keys and counter marks are binary, little-endian varints:
//
//	range  version u8 = 1 | uvarint len(object) | object name | uvarint offset | uvarint length |
//	       uvarint last counter | varint min arrival | varint max arrival   (Unix ms)
//	mark   version u8 = 1 | uvarint next counter | varint last arrival
//
// A shard's next counter is the larger of its mark's and its last range's
// last+1, so a flush writes only range keys; Expire writes the marks of
// the shards whose ranges it deletes, in the same transaction, so that
// counters never go back once retention has deleted everything.
//
// # Objects
//
// Under strings.Trim(P, "/") + "/records/<log>/", named
//
//	<sequence:16>-<written, Unix ms:12>-<random:8>
//
// The sequence numbers objects in flush order (a compacted object takes its
// run's first); the write time lets the orphan sweep leave young objects
// alone; the random part keeps two owners from ever writing one key. An
// object is an 8-byte header and frames; each shard's frames are together,
// in counter order. All integers little-endian:
//
//	object  "SLCO" | version u16 = 1 | flags u16 = 0 | frames...
//
//	+--------+----+-----+------+-------+-------+-------+---------+-------------+---------+
//	| crc32c | v  | flg | rsvd | shard | first | count | arrival | payload len | payload |
//	| 4      | 1  | 1   | 2    | 4     | 8     | 4     | 8       | 4           | ...     |
//	+--------+----+-----+------+-------+-------+-------+---------+-------------+---------+
//	 <---------------------------- 36-byte frame header ---------------------------->
//
//	crc32c   Castagnoli CRC of every byte after it: header and payload
//	v        frame version, 1; flg, rsvd: 0
//	first    counter of the first record; the others follow densely
//	count    records, 1 to 500 (a larger batch takes several frames)
//	arrival  arrival time of every record of the frame, Unix ms
//	payload  count records, each: uvarint len(key) | key | uvarint len(data) | data
//
// A range key points at one shard's frames in one object: a flush writes one
// range per shard it touched; a compacted object holds one longer run per
// shard. Readers check every frame (CRC, structure, and that it is the shard
// and counters the index says); damaged bytes are skipped up to the next
// intact frame, reported once at ERROR and counted in Health().Damaged, and
// a missing object skips its ranges the same way, but only if the index
// still names it (and the fence holds; a view rereads the index instead):
// a reader works from a snapshot of the index, so an object missing at a
// read may have been retired meanwhile (its records compacted elsewhere,
// or expired); the reader then takes a
// fresh snapshot and goes on from where it was, without a hole and without
// moving past records that exist. Nothing damaged ever panics or stops a
// reader. Versions: a reader refuses frames and headers of other versions as
// damage, so a version 2 must come with a reader that also reads version 1
// (objects age out with retention; no rewrite is needed), and range values
// carry their own version for the same reason.
//
// # Appends: group commit
//
// Append encodes its records and queues them. Each log has one flusher
// goroutine: when the oldest queued append has waited FlushInterval, or
// FlushBytes are queued, it takes everything queued, assigns counters (per
// shard, from the committed next) and one arrival time, puts one object,
// then commits its range keys in one transaction (more when a flush touches
// over 120 shards, each shard's range in one of them) that also requires
// each new range key to be absent. Only then are the ranges published to
// readers, Watch channels closed, and the Appends answered. One flush is in
// flight at a time per log; whatever is queued meanwhile goes into the next
// object (Appends wait for room while four times FlushBytes are queued). A
// failed put or commit fails every append of the flush
// (storage.ErrWriteFailed) and the log reports the failure (Failure, Health)
// until a flush succeeds or the store and etcd answer again; counters stay
// where the last commit left them. Clients are told that nothing of their
// request was stored, unless a part of the flush was committed before
// another failed (a flush over 120 shards) or a commit went unanswered: then
// that some or all of it may have been stored, and that retrying may store
// records twice. A commit whose answer was lost may have been applied: the
// log rereads its index from etcd before its next commit, so counters are
// neither reused nor skipped. Closing the backend flushes what is queued,
// every log at once, for 10 s at most: then the log's calls to the store and
// etcd are cancelled, and what is still queued fails with
// storage.ErrWriteFailed.
//
// # Reads
//
// The index lives in memory (loaded when a log opens). Read, SeekTime and
// Bounds find spans by binary search; their bytes come from a cache shared
// by the logs (LRU by bytes): a flush caches the object it wrote, so
// consumers at the tail read from memory, and older ranges are fetched with
// one ranged GET each and cached.
//
// # Retention, compaction, garbage
//
// Expire deletes whole ranges older than the cutoff (one DeleteRange per
// shard) and their objects once nothing references them. Compaction
// rewrites runs of small objects (under 1 MiB, older than a few seconds)
// into one and swaps their ranges in one transaction. A run is rewritten
// only if no object of it holds more than half its bytes, so an object is
// only ever rewritten into one at least twice its size (a record is
// rewritten a few times at most, not with every new flush of a quiet
// stream), and only if its records arrived within an hour: a merged range
// expires whole when its newest record does, so expired records stay in
// the store (never read) for up to that hour longer. Objects no longer
// referenced are deleted after a delay (30 s), so that reads that found
// them in the index just before can finish (one that takes longer finds
// the records anew, see Objects). Closing a log deletes none of them, due
// or not: reads may still run on a closing node. A sweep every ten minutes
// deletes objects the index does not reference (a flush that failed after
// its put, a crash between put and commit, objects a closed or crashed
// owner retired) once they are ten minutes old.
//
// Removing a log deletes its keys in one transaction that puts gone/<log>,
// then its objects, then that key. Objects the store does not delete at
// once are deleted in the background, retried less and less often (every
// 5 s to 5 min) until they are gone; a new owner resumes the removals it
// finds gone keys for, in the background too, so one object the store
// refuses to delete never keeps a node from owning the cluster. A log is
// not opened again while its objects are being deleted.
package cluster
