// Package fragments is the data plane of Sluice's Video Streams: the
// durable store of a video stream's fragments, PutMedia ingest, and what
// GetMedia and the archived-media APIs read (positions, timestamps,
// fragment numbers, media).
//
// # The log of a video stream
//
// Each video stream has one storage.Log, "video-<stream id>"
// (video.Stream.LogID), with three shards:
//
//	shard 0  media    a fragment's Cluster element, in records of at most
//	                  Config.MaxRecordBytes (8 MiB; the log allows 10 MiB, a
//	                  fragment may be 50 MB); PartitionKey = the fragment's
//	                  sequence in decimal, so that an index record pointing at
//	                  the wrong records is noticed
//	shard 1  index    one record per fragment (record.go): sequence, first
//	                  media counter and count, size, header counter,
//	                  producer and server timestamps (ms), duration (ms),
//	                  cluster timecode
//	shard 2  headers  a PutMedia document's Header.Raw (EBML header, Segment
//	                  of unknown size, Info, Tracks), stored with the first
//	                  fragment of each document and again every
//	                  Config.HeaderRefresh
//
// A fragment is one Append: its media batch, its header (when needed), and
// its index record last, so that a torn write loses the index record
// first; what the log acknowledged is durable (the log's group commit
// fsyncs), and only then is the PERSISTED ACK sent. The index record must
// name its media and header counters before the Append assigns them:
// appends of a stream are serialised and the counters predicted from the
// log's; when a prediction was wrong (the log skips counters after a failed
// write), the index record is appended again with the right ones, and at
// load the later record of a sequence wins.
//
// # Server-side encryption (sse.go)
//
// With master keys (Config.Keys and Config.Meta, the server's), a
// fragment's media records and its header record are sealed before the
// Append with a data key its stream's KmsKeyId makes (package sse: the
// data keys, AES-256-GCM, 5 minutes each, stored wrapped under
// video/keys/<stream id>/ in the metadata store, durably before they seal
// anything, so a PERSISTED ACK still means that everything needed to read
// the fragment is durable). A sealed record, in shard 0 or 2:
//
//	PartitionKey  "sse"    (a plaintext media record's is its sequence, a header's is empty)
//	Data          sse record v1: 0xE1 | data key ID | nonce | AES-256-GCM(payload) + tag
//	payload       uvarint(len(key)) | key | the record's bytes as put
//	key           the fragment's sequence in decimal (media), "" (header)
//
// The stream's ID is bound to every record as additional data, so a
// record read under another stream, or as another fragment's, does not
// open; it counts as damaged. Records are sealed one by one (at most
// Config.MaxRecordBytes each), so a read opens only what it serves. Index
// records (shard 1: sequences, positions, timestamps, sizes) stay as they
// are: they are what ListFragments answers, and the load reads them without
// keys. Records stored before a stream had keys (earlier Sluice builds)
// have no "sse" partition key and are read as they are. A KMS refusal is a
// KMSError with AWS's ErrorId (4500-4506): PutMedia's ERROR ACK, GetMedia's
// error tags.
//
// # Memory
//
// The index of a stream's live fragments is read into memory when the
// stream is first used (Store.Open): about 100 bytes per fragment, so a day
// of 2-second fragments is ~4 MB. The first Open of a stream loads it
// outside the store-wide lock (other streams' Opens go on meanwhile);
// concurrent first Opens of one stream wait for that one load. Damaged index records (the log skips
// damaged entries; a record that does not decode is logged and skipped)
// leave their fragments out. Headers are cached by counter; media are read
// from the log when served.
//
// # Fragment numbers and continuation tokens
//
// 47 decimal digits (number.go): a kind digit, a 20-digit value, a 20-digit
// salt derived from the stream's ID and a 6-digit check. A fragment number
// carries the fragment's sequence, handed out when its first bytes arrive
// (the BUFFERING ACK has it), strictly increasing per stream: the next is
// above the last and at least the current Unix time in ms × 1,000, so that
// numbers keep growing across restarts even once retention has removed
// every fragment. A continuation token carries an index position: the next
// fragment GetMedia would have sent. Positions order fragments as they were
// stored; with one producer per stream that is also the order of their
// numbers (concurrent PutMedia sessions to one stream interleave).
//
// # Retention
//
// Fragments stored more than DataRetentionInHours ago are dropped from the
// index and, with their segments, from the log (Log.Expire, every
// Config.ExpireInterval). A stream with no retention (0) keeps its
// fragments for Config.LiveBuffer (5 minutes, AWS's host buffer) for live
// readers and gets no PERSISTED ACKs. The log keeps Config.HeaderRefresh
// (plus a minute) more than the index, so that a live fragment's header
// record is never deleted before it.
//
// # Limits
//
// With Config.Limits (Sluice's --limits on, the default), AWS's per-stream
// data-plane limits apply (limits.go): call rates per API (Stream.Admit:
// PutMedia, GetMedia, ListFragments and GetMediaForFragmentList 5 TPS,
// GetClip 1 TPS, the HLS and DASH session URLs 1 TPS with bursts of 5);
// PutMedia's 5 fragments and 12.5 MB a second per stream, enforced by
// reading slower (AWS documents no ACK for them); and ERROR 4003 for a
// PutMedia connection open longer than Config.MaxConnection (45 minutes).
//
// # Deletion and shutdown
//
// Store.Closing (video.Config.Closing) shuts a deleted stream: no append
// after it, ingest sessions end with ERROR 4008, readers (Next, Media) get
// ErrDeleted. Store.Close does the same with ErrClosed and no ACK. Both
// wait for a load in progress, whose Open callers then get ErrDeleted or
// ErrClosed, so that the log is out of use when they return.
//
// # Streams another node owns
//
// In a cluster whose video streams are spread over nodes, a stream the
// video service marks Remote (owned by another node) is never opened: Open
// fails with a storage.ErrMoved, and so PutMedia, GetMedia, the
// archived-media APIs and playback of it fail that way, rather than read
// or write a log this node does not own. A stream handed to another node
// gets the Closing of a deleted one, with the Remote mark: its sessions
// and readers end with the ErrMoved (no ACK), its data keys stay.
package fragments
