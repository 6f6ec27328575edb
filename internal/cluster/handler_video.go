package cluster

import (
	"net/http"
	"strings"

	"sluice/internal/video"
)

// videoTarget prefixes placedOp's name of a Video Streams operation: its
// REST path ("KinesisVideo/putMedia"), or "KinesisVideo/playback" for the
// GETs of HLS and DASH playback.
const videoTarget = "KinesisVideo"

const (
	createVideoStream = videoTarget + "/createStream"
	putMedia          = videoTarget + "/putMedia"
)

// videoWorkerOps are the Video Streams operations of one stream (or of
// every stream, answered from the metadata every node follows), which
// every node serves; the others (signaling channels, the tags of any
// resource by ARN) are the owner's, with the create.
var videoWorkerOps = map[string]bool{
	"deleteEdgeConfiguration": true, "deleteStream": true, "describeEdgeConfiguration": true,
	"describeImageGenerationConfiguration": true, "describeNotificationConfiguration": true, "describeStream": true,
	"describeStreamStorageConfiguration": true, "getClip": true, "getDASHStreamingSessionURL": true, "getDataEndpoint": true,
	"getHLSStreamingSessionURL": true, "getImages": true, "getMedia": true, "getMediaForFragmentList": true,
	"listEdgeAgentConfigurations": true, "listFragments": true, "listStreams": true, "listTagsForStream": true, "putMedia": true,
	"startEdgeConfigurationUpdate": true, "tagStream": true, "untagStream": true, "updateDataRetention": true,
	"updateImageGenerationConfiguration": true, "updateNotificationConfiguration": true, "updateStream": true,
	"updateStreamStorageConfiguration": true,
}

// videoOwnerOps are the Video Streams operations only the owner serves.
var videoOwnerOps = map[string]bool{
	"createStream": true, "createSignalingChannel": true, "deleteSignalingChannel": true, "describeSignalingChannel": true,
	"getSignalingChannelEndpoint": true, "listSignalingChannels": true, "updateSignalingChannel": true,
	"describeMappedResourceConfiguration": true, "describeMediaStorageConfiguration": true,
	"updateMediaStorageConfiguration": true, "TagResource": true, "UntagResource": true, "ListTagsForResource": true,
}

// videoReadOps are the Video Streams operations that change no metadata.
var videoReadOps = map[string]bool{
	"describeEdgeConfiguration": true, "describeImageGenerationConfiguration": true, "describeNotificationConfiguration": true,
	"describeStream": true, "describeStreamStorageConfiguration": true, "getClip": true, "getDASHStreamingSessionURL": true,
	"getDataEndpoint": true, "getHLSStreamingSessionURL": true, "getImages": true, "getMedia": true,
	"getMediaForFragmentList": true, "listEdgeAgentConfigurations": true, "listFragments": true, "listStreams": true,
	"listTagsForStream": true, "putMedia": true, "playback": true, "ListTagsForResource": true,
}

// videoOp returns placedOp's name of the Video Streams request r, "" when
// r is none.
func videoOp(r *http.Request) string {
	path := r.URL.Path
	name, _ := strings.CutPrefix(path, "/") // a request's path may be empty
	switch {
	case r.Method == http.MethodPost && (videoWorkerOps[name] || videoOwnerOps[name]):
		return videoTarget + path
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(strings.HasPrefix(path, "/hls/v1/") || strings.HasPrefix(path, "/dash/v1/")):
		return videoTarget + "/playback"
	}
	return ""
}

// isVideo tells whether placedOp's op is a Video Streams operation.
func isVideo(op string) bool { return strings.HasPrefix(op, videoTarget+"/") }

// videoOpName returns the REST operation of a Video Streams op.
func videoOpName(op string) string { return strings.TrimPrefix(op, videoTarget+"/") }

// putMediaHome returns the node that runs the stream a PutMedia names (by
// its x-amzn-stream-arn or x-amzn-stream-name header, among the streams
// this node knows; the owner when this worker knows none), when that is
// another node: a PutMedia's body is a stream of fragments that lasts as
// long as the producer sends, so it is forwarded before it is read, not
// replayed after a "moved" answer.
func (n *Node) putMediaHome(cur *role, r *http.Request) (Member, bool) {
	id, ok := cur.srv.Video().StreamIDOf(r.Header.Get("x-amzn-stream-arn"), r.Header.Get("x-amzn-stream-name"))
	switch {
	case !ok && !cur.coordinating && cur.leader.Advertise != "":
		// Not heard of here yet: streams are created through the owner,
		// which knows it (and answers for a stream that does not exist).
		return cur.leader, true
	case !ok:
		return Member{}, false
	}
	unit := video.LogPrefix + id
	node := n.where.nodeOf(unit)
	if node == "" {
		// Placed a moment ago (the placer's watch has not told this node
		// yet): etcd knows, and a PutMedia lasts long enough to ask.
		node = readPlacement(r.Context(), n.etcd, n.prefix, unit)
	}
	if node == "" || node == n.self.ID {
		return Member{}, false
	}
	return n.member(node)
}
