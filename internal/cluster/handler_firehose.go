package cluster

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// maxCreateBody bounds the CreateDeliveryStream body the owner reads to
// choose the delivery stream's node (a create's settings are a few KiB);
// a larger one is served on the owner as it is.
const maxCreateBody = 1 << 20

// createDelivery serves a CreateDeliveryStream on the owner. A delivery
// stream that reads a Kinesis stream is created on that stream's node,
// since its source reader reads the stream in process (the coordinator
// keeps the two together: clusterUnits links them); any other on the node
// with the least load. That node places it on itself.
func (n *Node) createDelivery(w http.ResponseWriter, r *http.Request, cur *role) {
	n.followUnits(r.Context(), cur, createDeliveryStream)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCreateBody+1))
	if err != nil {
		panic(http.ErrAbortHandler) // the client is gone or broken: as the services would, abort
	}
	if len(body) > maxCreateBody {
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		n.serve(w, r, cur, createDeliveryStream)
		return
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	to := n.deliveryHome(cur, body)
	if to.ID == "" || to.ID == n.self.ID {
		n.serve(w, r, cur, createDeliveryStream)
		return
	}
	n.forwardStreams(w, r, to, cur, createDeliveryStream)
}

// deliveryHome returns the node a CreateDeliveryStream with body should
// run on: its source stream's, or the lightest. It is this node when the
// source stream is unknown or not placed yet (this node then answers the
// error, or runs the stream), and zero when the registry is unknown.
func (n *Node) deliveryHome(cur *role, body []byte) Member {
	var req struct {
		KinesisStreamSourceConfiguration *struct{ KinesisStreamARN string }
	}
	if json.Unmarshal(body, &req) != nil || req.KinesisStreamSourceConfiguration == nil {
		return n.lightestNode(cur)
	}
	arn := req.KinesisStreamSourceConfiguration.KinesisStreamARN
	all, _ := cur.srv.Streams().Snapshots()
	for _, st := range all {
		if st.ARN() != arn {
			continue
		}
		if m, ok := n.member(n.where.nodeOf(st.ID)); ok {
			return m
		}
		break
	}
	return n.self
}
