// Package logstore is Sluice's embedded storage for Kinesis data: one
// append-only, segmented log per stream, shared by the stream's shards.
//
// A Log assigns each record a per-shard counter (1, 2, 3, ... forever, never
// reused, not even after retention deleted everything) and an arrival time
// (non-decreasing per log), makes records durable with group commit (many
// concurrent Appends share one write and one fdatasync), finds records by
// counter or by time without scanning, and applies retention by deleting
// whole segment files. The domain layer builds Kinesis sequence numbers from
// the counters.
//
// # Files
//
// A log directory holds:
//
//	00000000000000000007.log   segment 7: entries, appended, immutable once sealed
//	00000000000000000007.idx   its index: written when sealed (and at Close for the active one)
//	00000000000000000008.log   the active segment (the highest number)
//	state, state.copy          per-shard counter high-water marks, twice
//	*.tmp                      a file being replaced (removed by Open)
//	manifest.json, removing,   the owner's files (OwnerFiles, see package
//	restore                    storage); the log leaves them alone
//
// Segment numbers only grow. The active segment rolls (is sealed, and a new
// one started) before it would pass Options.SegmentBytes, or when its first
// entry is older than Options.SegmentMaxAge.
//
// # Entries (in .log files)
//
// A segment is a sequence of entries with no file header. An entry is the
// records of one shard from one Append (a batch over 500 records or 16 MiB is
// split into several entries). All integers are little-endian.
//
//	+--------+----+-----+------+-------+-------------+-------+---------+-------------+---------+
//	| crc32c | v  | flg | rsvd | shard | first       | count | arrival | payload len | payload |
//	| 4      | 1  | 1   | 2    | 4     | 8           | 4     | 8       | 4           | ...     |
//	+--------+----+-----+------+-------+-------------+-------+---------+-------------+---------+
//	 <------------------------------- 36-byte header --------------------------------->
//
//	crc32c   Castagnoli CRC of every byte after it: header and payload
//	v        entry format version, 1
//	flg      flags, 0; rsvd: 0
//	shard    shard index within the stream
//	first    counter of the first record; the others follow densely
//	count    number of records, >= 1
//	arrival  arrival time of every record of the entry, Unix milliseconds
//	payload  count records, each:
//	           uvarint len(PartitionKey) | PartitionKey | uvarint len(Data) | Data
//
// # Index files (.idx)
//
// An index describes the first covered bytes of its segment: for each shard,
// a summary and the list of its entries. Open reads only the header and the
// summary table of sealed segments (a few dozen bytes per shard); a shard's
// entry block is read when a Read or SeekTime needs it, and kept in a small
// LRU cache. So memory does not grow with stored data: it is about 150 bytes
// per (sealed segment, shard) pair (a 10 GB log of 64 MiB segments and 4
// shards: ~100 KB), plus the cache (at most 2 MiB of entries, or one larger
// block), plus the active segment's in-memory index, 32 bytes per entry (at
// worst ~7 MiB for a 64 MiB segment of single 256-byte records).
//
//	header, 32 bytes:
//	  "SLIX" | version u16 = 1 | flags u16 = 0 | segment u64 | covered u64 |
//	  shards u32 | entries u32
//	summary table, shards x 56 bytes, sorted by shard:
//	  shard u32 | entries u32 | first u64 | last u64 | min arrival i64 |
//	  max arrival i64 | block offset u64 | block crc32c u32 | rsvd u32
//	crc32c u32 of header and summary table
//	entry blocks, one per shard at its block offset, entries x 32 bytes:
//	  first u64 | count u32 | length u32 | arrival i64 | offset u64
//
// Index files and the state file are written to a temporary name, fsynced,
// renamed into place, and the directory fsynced.
//
// # State file
//
//	"SLST" | version u16 = 1 | flags u16 = 0 | last segment u64 | last arrival i64 |
//	shards u32 | rsvd u32 |
//	shards x (shard u32 | rsvd u32 | next counter u64 | last arrival i64) |
//	crc32c u32 of everything before it
//
// It is written before Expire removes any segment and at Close, to state
// and then, the same bytes, to state.copy. Open reads both and takes, for
// each shard, the largest of their next counters and of what the segments
// show, so counters never go back when retention has deleted a shard's
// records. A damaged copy is reported at ERROR and the other used; with
// both damaged, the counters come from the segments alone (reported too).
//
// # Durability and lookups
//
// One writer goroutine drains the bounded append queue, encodes every queued
// batch into one buffer, writes it with one pwrite, fdatasyncs once, then
// publishes the entries to readers and releases all the waiters. Readers
// never see an entry before it is durable (in relaxed mode, before it is
// written). A write or sync error fails the log: Appends are refused with
// ErrWriteFailed, since data in the page cache after a failed fsync may never
// reach the disk and retrying the fsync proves nothing. While failed, the
// writer checks every HealInterval that the disk takes writes again, then
// reopens the active segment through a new descriptor, cuts it to its
// durable size (rewriting what relaxed mode acknowledged since its last
// sync), syncs it and takes Appends again (heal.go). Creating a segment is
// followed by an fsync of the directory before any entry in it is
// acknowledged.
//
// Per shard, the log keeps the list of segments holding it with their
// summaries. A counter is found by binary search over those summaries and
// then over the segment's entries; a time likewise on arrival, which is
// non-decreasing per log. TRIM_HORIZON is the first entry not older than the
// retention cutoff.
//
// # Recovery
//
// Open lists the directory, removes *.tmp files and indexes without a
// segment, reads the state file, then loads segments in order:
//
//   - A sealed segment (not the last) whose index covers all of it: only the
//     index's summary table is read. No segment data is read.
//   - The last (active) segment, or any segment whose index is missing,
//     corrupt or short: its index, if usable, provides the entries up to
//     covered; the rest is scanned entry by entry, checking each header, CRC
//     and payload structure, and that counters grow per shard and arrival times
//     do not go back (scan.go). At an entry that fails, the scan looks for the
//     earliest later offset where an entry that passes starts. If there is
//     one, the bytes between are a hole: reported, skipped, and the entries
//     after them kept. If there is none, what follows is a torn tail, the
//     bytes of a write that never completed and was never acknowledged: the
//     file is truncated there and fsynced. Either way, when the damaged
//     entry's header still parses and its counters follow its shard's last
//     intact entry, those counters are never given out again. A sealed
//     segment recovered this way gets its index written.
//
// Readers check every entry they read (its CRC, and that it is the entry
// the index describes); one damaged after it was indexed is skipped, so
// that readers move on to the records after it. Each piece of damage is
// logged once at ERROR and counted in Stats.Damaged.
//
// After a clean Close the active segment's index covers it completely, so
// Open reads no segment data at all; after a crash it scans only the part of
// the active segment written since its index was last written (all of it if
// it never had one). Open never fails on damaged segment contents or on a
// damaged state file; it fails on I/O errors and on data from a newer format
// version.
//
// # Versions and migration
//
// Entries, index files and the state file each carry a version. This code
// reads and writes version 1 and refuses newer ones: an intact entry (its
// checksum valid) with a newer version fails Open rather than being
// truncated as a torn tail; an index with another version is ignored and the
// segment rescanned; a state file (either copy) with another version fails
// Open. Every
// version must keep the entry's checksum and payload length where version 1
// has them. A future version 2 should: keep reading version 1 entries (segments
// are immutable and age out with retention, so no rewrite is needed); write
// version 2 only in new segments; bump the index version and let version 1
// indexes be rebuilt by rescanning (indexes are derived data, so deleting
// every .idx file is always a valid migration); and extend the state file by
// appending fields behind a new version, reading version 1 as before.
package logstore
