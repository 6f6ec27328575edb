// Package mkv is the Matroska layer of Sluice's Video Streams: a streaming
// reader of PutMedia bodies and a writer of the chunks GetMedia serves.
//
// # What a PutMedia body looks like
//
// An endless sequence of Matroska documents; producers start a new one in
// the same connection when their codec settings change:
//
//	EBML header            1A45DFA3 size {EBMLVersion, …, DocType "matroska"|"webm"}
//	Segment                18538067 size, or unknown (01 FF FF FF FF FF FF FF)
//	  SeekHead, Void, …    skipped
//	  Info                 1549A966 {TimecodeScale (default 1,000,000 ns), …}
//	  Tracks               1654AE6B {TrackEntry{TrackNumber, TrackType, CodecID, CodecPrivate, …} ≤ 3}
//	  Tags                 1254C367 {Tag{SimpleTag{TagName, TagString}}} anywhere between clusters
//	  Cluster              1F43B675 size or unknown: one fragment
//	    Timecode           E7 cluster timecode, in ticks
//	    SimpleBlock        A3 {track vint, int16 relative timecode, flags (0x80 key, 0x06 lacing), frames}
//	    BlockGroup         A0 {Block A1, BlockDuration 9B, ReferenceBlock FB (so not a key frame)}
//	  Cluster …
//	EBML header            a new document: a new Header
//	…
//
// Elements are an ID (1–4 bytes, length marker kept) and a size (1–8 bytes,
// marker removed; all value bits set means unknown) before the body. An
// element of unknown size ends where an element that cannot be its child
// begins: a Cluster at the next Cluster, Tags, Cues, …, Segment or EBML
// header; a Segment at the next EBML header (or the end of the body).
//
// # Reader
//
// Reader.Next returns a document's Header (when its first Cluster arrives)
// and then its Clusters, one by one, as the body arrives. It keeps:
//
//   - Header.Raw: the EBML header, Info and Tracks bytes as received, with
//     the Segment rewritten to unknown size and everything else before the
//     first Cluster left out, so GetMedia can put it before any fragment;
//   - Cluster.Raw: the Cluster element as received (an unknown size is
//     rewritten as the known one), with the frames' Data pointing into it.
//
// Memory is bounded by Limits: one cluster (MaxClusterBytes, found too big
// as soon as its size or its bytes so far say so), one header
// (MaxHeaderBytes), skipped elements are discarded as they stream by.
// Errors are *Error values with the PutMedia ACK ErrorId and the byte offset
// of the fault; a body ending inside an element wraps io.ErrUnexpectedEOF;
// io.EOF means a clean end between top-level elements.
//
// ParseHeader and ParseCluster read a stored Header.Raw and Cluster.Raw back
// (ParseCluster without copying the cluster).
//
// Semantic checks that need a stream's history (timecodes going backwards,
// fragments led by a key frame, 10-second fragments) belong to the domain;
// Cluster gives it what it needs (FirstFrame, StartsWithKeyFrame, Span,
// Duration, FrameCount).
//
// # Writer
//
// A GetMedia body is a sequence of chunks, each Header.Raw + a Tags element
// with the fragment's number and timestamps + Cluster.Raw + a Tags element
// with the millis behind and the continuation token, as AWS lays them out
// (WriteChunk, AppendTags).
// AppendHeader and AppendCluster synthesise Matroska for tests and tools.
//
// # Why hand-written rather than github.com/at-wat/ebml-go
//
// ebml-go (v0.19.4) unmarshals a whole document into Go structs by
// reflection, reading element bodies as their size fields say. A PutMedia
// body is endless, and the server needs what that model does not give: each
// cluster as soon as it is complete (and a hook when its Timecode arrives,
// for the BUFFERING ACK), the exact bytes of the header and of each cluster
// to store and re-emit, the byte offset of a fault for the ERROR ACK, and a
// limit on what one element may make it buffer, checked before reading.
// The subset of EBML Matroska needs here (vints, master elements, blocks and
// lacing) is a few hundred lines, so it is written here against the
// Matroska and EBML specifications (RFC 8794, RFC 9559).
package mkv
