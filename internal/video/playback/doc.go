// Package playback is the domain side of Kinesis Video's archived-media
// playback: HLS and DASH streaming sessions (what a session URL grants,
// sealed into its token), which fragments a playlist or manifest lists at
// a given moment, a fragment's media on the playback timeline, and the
// still images of GetImages, decoded by ffmpeg. The wire (the REST-JSON
// operations and the GETs under /hls/v1/ and /dash/v1/) is
// internal/api/videoapi's; the packaging is internal/video/media's.
//
// # Session tokens
//
// A session is stateless: everything it grants travels in its token, so the
// server stores nothing per session, a session URL works across restarts,
// and there is no table to bound. The token is sealed with AES-256-GCM
// (confidential and unforgeable) under a 32-byte key made at random the
// first time and kept in the meta store under KeyName; deleting that key
// revokes every session. The token is URL-safe base64 without padding of
//
//	nonce (12 bytes, random) ‖ AES-256-GCM(key, nonce, plaintext, "sluice video playback session v1") (+16-byte tag)
//
// and the plaintext, version 1:
//
//	byte    version (1)
//	byte    protocol: 1 HLS, 2 DASH
//	byte    PlaybackMode: 0 LIVE, 1 LIVE_REPLAY, 2 ON_DEMAND
//	byte    FragmentSelectorType: 1 SERVER_TIMESTAMP, 2 PRODUCER_TIMESTAMP
//	byte    ContainerFormat: 0 FRAGMENTED_MP4, 1 MPEG_TS
//	byte    DiscontinuityMode: 0 ALWAYS, 1 NEVER, 2 ON_DISCONTINUITY
//	byte    flags: 1 DisplayFragmentTimestamp, 2 DisplayFragmentNumber,
//	        4 StartTimestamp present, 8 EndTimestamp present
//	uvarint MaxResults (1..5000)
//	varint  created, Unix ms
//	varint  expires, Unix ms
//	varint  StartTimestamp, Unix ms (if flagged)
//	varint  EndTimestamp, Unix ms (if flagged)
//	uvarint length, then the video stream's ID
//
// A session binds the stream's ID, not its name: a stream deleted and
// created again is not the session's. An unknown version does not open
// (ErrBadToken); a new format gets a new version and, while old sessions
// may live (at most 12 hours), Open keeps reading the old one.
//
// AWS closed the oldest of more than ten active sessions of a stream until
// March 2021, when playback quotas moved to fragment rates and the session
// limit was removed; a stateless session cannot be closed, and Sluice has
// no such limit.
//
// # Windows and timelines
//
// Session.Window picks a playlist's fragments (LIVE: the newest; LIVE_REPLAY:
// paced from the start time as if played since the session was made;
// ON_DEMAND: the oldest of the range, at most MaxResults). Media are placed
// on the session's timestamp (Ticks): a frame's time is its fragment's
// producer or server timestamp plus its offset in the cluster, so that
// fragments of separate PutMedia connections, each counting RELATIVE
// timecodes from zero, play in order on one clock, as AWS packages them.
//
// # Images
//
// Images.Decode writes one key frame as a one-frame Matroska document (the
// stream's header and a cluster of that frame) to ffmpeg's stdin and reads
// a JPEG (mjpeg, JPEGQuality mapped onto qscale 2..31) or PNG from its
// stdout, scaled as asked. ffmpeg is looked up on PATH at each call; without
// it, ErrNoFFmpeg says how to install it. It is the only decoding in
// Sluice: everything else is repackaged.
package playback
