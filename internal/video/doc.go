// Package video is the Kinesis Video Streams domain. So far it holds the
// control plane: video streams and signaling channels with AWS's states,
// versions, tags and configurations, persisted in the storage.MetaStore.
// The data plane (PutMedia ingest, durable fragments, GetMedia, archived
// media) plugs into it through the stream log hooks described below.
//
// # Video streams
//
// A stream has an ARN arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<creation epoch millis>,
// a DeviceName, a MediaType, a KmsKeyId (by default the account's
// alias/aws/kinesisvideo key; one given is checked with Config.Keys, and
// never changes: the data plane seals the stream's fragments with it), a
// DataRetentionInHours between 0 and 87,600,
// a default storage tier (HOT unless WARM is asked), and a Version: 20
// random letters and digits, replaced by every update that takes a
// CurrentVersion (UpdateStream, UpdateDataRetention,
// UpdateStreamStorageConfiguration). A stale CurrentVersion is a
// KindVersionMismatch error.
//
// States: a stream is CREATING for Config.CreateDelay, then ACTIVE; an
// update makes it UPDATING for Config.UpdateDelay (updates need an ACTIVE
// stream); DeleteStream makes it DELETING for Config.DeleteDelay, then it
// is gone. With zero delays (the tests' default) the transitions are
// immediate. Timers are not persisted: a stream loaded in a transitional
// state finishes its transition after the delay counted from the load.
//
// # Signaling channels
//
// A channel (SINGLE_MASTER only, as AWS) has an ARN
// arn:aws:kinesisvideo:<region>:<account>:channel/<name>/<creation epoch millis>,
// a MessageTtlSeconds (default 60), a Version replaced by every update,
// the same states as streams, tags, and a media storage configuration that
// maps it to a stream (at most one channel per stream). Only the control
// plane is served: GetSignalingChannelEndpoint hands out Sluice's own URL,
// and the WebRTC signaling and media path behind it comes in a later issue.
//
// # Persistence
//
// Keys of the MetaStore, values JSON (Stream and Channel):
//
//	video/streams/<account>/<region>/<name>   a stream
//	video/channels/<account>/<region>/<name>  a signaling channel
//
// Each stream's fragments live in the RecordStore log "video-<stream id>"
// (LogID). The control plane writes that log's manifest (the stream's key
// and value) on every change, so that a log whose metadata is lost can be
// restored (see package storage). Deleting a stream calls Config.Closing
// (the data plane stops its writers and readers and lets go of the log),
// marks the log for removal, deletes the metadata, then removes the log; at
// start, logs named video-* without metadata are disowned: removed when so
// marked, otherwise quarantined or, when an operator asked, adopted.
//
// # Placement
//
// In a cluster whose video streams are spread over nodes (Config.Owns), a
// node serves the streams it owns and keeps the others' metadata for
// descriptions and lists only: their changes fail with storage.ErrMoved,
// and their copies carry Stream.Remote, which the data plane refuses.
// LoadVideoStream, DropVideoStream, Follow and FollowAll move streams and
// follow the others' changes (placement.go).
//
// # Limits and decisions where AWS is silent
//
//   - At most Config.StreamLimit streams and Config.ChannelLimit channels
//     per account and region (default 10,000 each).
//   - With Config.Limits (--limits on), AWS's control-plane call rates per
//     account and per stream (calls.go: DescribeStream and GetDataEndpoint
//     300/s per account and 5/s per stream, CreateStream 50/s, most others
//     50/s and 5/s), answered KindClientLimit. TagResource, UntagResource
//     and ListTagsForResource on a stream count as TagStream, UntagStream
//     and ListTagsForStream.
//   - Tags: at most 50 per resource; keys starting with "aws:" are
//     reserved.
//   - GetDataEndpoint answers Config.PublicURL for every APIName; with no
//     public URL configured the API layer answers the base URL the request
//     came in on.
//   - Edge configurations are stored and described; there is no edge agent,
//     so a configuration is IN_SYNC as soon as it is stored, and
//     DeleteEdgeConfiguration removes it at once.
//   - Image generation and notification configurations are validated and
//     stored; no images or notifications are produced by the control plane.
package video
