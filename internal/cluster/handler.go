package cluster

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/awsproto"
	"sluice/internal/firehose"
	"sluice/internal/storage"
	"sluice/internal/streams"
	"sluice/internal/video"
)

// ServeHTTP serves the node's own paths, serves the requests of placed
// units (streams, delivery streams, applications, video streams) with its
// services, forwarding those of a unit another node runs to that node,
// and hands everything else to the owner's services: here when this node
// owns the cluster, else forwarded to the owner.
func (n *Node) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/cluster/status":
		if r.Method == http.MethodGet {
			n.serveStatus(w, r)
			return
		}
	case "/healthcheck":
		if r.Method == http.MethodGet && r.Header.Get(forwardedBy) == "" {
			n.serveHealth(w, r)
			return
		}
	case "/metrics":
		if r.Method == http.MethodGet && r.Header.Get(forwardedBy) == "" {
			n.serveMetrics(w, r)
			return
		}
	}
	cur := n.role.Load()
	op := placedOp(r)
	if op == putMedia && cur.srv != nil && r.Header.Get(forwardedBy) == "" {
		if to, ok := n.putMediaHome(cur, r); ok {
			n.fwd.forward(w, r, to)
			return
		}
	}
	switch {
	case cur.srv != nil && (op == "CreateStream" || op == createVideoStream) && cur.coordinating:
		n.create(w, r, cur, op)
	case cur.srv != nil && op == createDeliveryStream && cur.coordinating:
		n.createDelivery(w, r, cur)
	case cur.srv != nil && (cur.coordinating || op != "" && (!ownerOnly(op) || fromLeader(r, cur))):
		// The owner sends a worker the creates it places there and the
		// tag operations of the streams it runs.
		n.serve(w, r, cur, op)
	case cur.owning:
		n.stats.refused.Add(1)
		awsproto.WriteUnavailable(w, r, msgOwnerOpens)
	case r.Header.Get(forwardedBy) != "":
		n.stats.refused.Add(1)
		awsproto.WriteUnavailable(w, r, msgStaleFollow)
	case cur.leader.Advertise != "" && op != "" && cur.srv != nil:
		n.forwardStreams(w, r, cur.leader, cur, op)
	case cur.leader.Advertise != "":
		n.fwd.forward(w, r, cur.leader)
	default:
		n.stats.refused.Add(1)
		awsproto.WriteUnavailable(w, r, msgNoOwner)
	}
}

// ownerOps are the operations of placed units only the owner serves:
// creates (it places what it creates), account-wide settings, and
// channels and the tags of any resource (a channel's among them), since
// channels run there.
var ownerOps = map[string]bool{
	"CreateStream": true, createDeliveryStream: true, "UpdateAccountSettings": true, "DescribeAccountSettings": true,
	analyticsV1Target + "CreateApplication": true, analyticsV2Target + "CreateApplication": true,
	"CreateChannel": true, "DescribeChannel": true, "ListChannels": true, "UpdateChannel": true, "DeleteChannel": true,
	"TagResource": true, "UntagResource": true, "ListTagsForResource": true,
}

// firehoseTarget is the X-Amz-Target prefix of Firehose's operations.
const firehoseTarget = "Firehose_20150804."

// createDeliveryStream is placedOp's name of Firehose's create.
const createDeliveryStream = firehoseTarget + "CreateDeliveryStream"

// The X-Amz-Target prefixes of Data Analytics' two APIs.
const (
	analyticsV1Target = "KinesisAnalytics_20150814."
	analyticsV2Target = "KinesisAnalytics_20180523."
)

// placedOp returns the operation r calls of a service whose units are
// placed on nodes: a Data Streams operation by its name, a Firehose or
// Data Analytics one by its whole X-Amz-Target (Firehose has a PutRecord
// too, both Analytics APIs a CreateApplication). It is "" for any other
// request.
func placedOp(r *http.Request) string {
	if op := videoOp(r); op != "" {
		return op
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return ""
	}
	target := r.Header.Get("X-Amz-Target")
	if op, ok := strings.CutPrefix(target, "Kinesis_20131202."); ok {
		return op
	}
	for _, prefix := range []string{firehoseTarget, analyticsV1Target, analyticsV2Target} {
		if strings.HasPrefix(target, prefix) && len(target) > len(prefix) {
			return target
		}
	}
	return ""
}

// isFirehose tells whether placedOp's op is a Firehose operation.
func isFirehose(op string) bool { return strings.HasPrefix(op, firehoseTarget) }

// isAnalytics tells whether placedOp's op is a Data Analytics operation.
func isAnalytics(op string) bool {
	return strings.HasPrefix(op, analyticsV1Target) || strings.HasPrefix(op, analyticsV2Target)
}

// streamTagOps are the owner's operations (ownerOps) that a stream's
// node serves: the owner passes them on to it.
var streamTagOps = map[string]bool{"TagResource": true, "UntagResource": true, "ListTagsForResource": true}

// ownerOnly tells whether only the owner serves op (ownerOps, and Video
// Streams' videoOwnerOps).
func ownerOnly(op string) bool {
	return ownerOps[op] || isVideo(op) && videoOwnerOps[videoOpName(op)]
}

// passedOn tells whether op is an owner's operation that the owner passes
// on to the node that runs its unit: the tag operations by ARN, Data
// Streams' and Video Streams'.
func passedOn(op string) bool {
	return streamTagOps[op] || isVideo(op) && streamTagOps[videoOpName(op)]
}

// fromLeader tells whether r was forwarded by the owner cur follows.
func fromLeader(r *http.Request, cur *role) bool {
	by := r.Header.Get(forwardedBy)
	return by != "" && by == cur.leader.ID
}

// replayBudget bounds the request bodies a node holds to forward them
// again if their stream turns out to run elsewhere (the services' own
// budget bounds what they read; this copy comes first). A request that
// finds no room is served without the copy: if its stream moved, its
// client is told to retry.
type replayBudget struct{ held atomic.Int64 }

const (
	maxReplayBody  = awsproto.DefaultMaxBodyBytes
	maxReplayBytes = 256 << 20
)

func (b *replayBudget) take(n int64) bool {
	if n < 0 || n > maxReplayBody {
		return false
	}
	if b.held.Add(n) > maxReplayBytes {
		b.held.Add(-n)
		return false
	}
	return true
}

func (b *replayBudget) give(n int64) { b.held.Add(-n) }

// serve passes r to this node's services. A request whose unit another
// node runs (the services answer a storage.Moved) is forwarded to that
// node, once: a request forwarded here is answered as it is, except on
// the owner, which passes on the requests other nodes sent it for want of
// serving them (ownerOps). One whose unit is loading here waits for it.
func (n *Node) serve(w http.ResponseWriter, r *http.Request, cur *role, op string) {
	h := cur.srv.Handler()
	switch {
	case limitOps[op]:
		// The account's limits count every stream: one another node
		// created or resharded is followed a moment late, so its
		// metadata is reread first.
		n.followUnits(r.Context(), cur, op)
	case (op == createDeliveryStream || op == createVideoStream) && !cur.coordinating:
		// The name must be new across the cluster, not only here: a
		// unit created or deleted elsewhere is followed a moment late
		// (the owner, which sent this here, has reread them already).
		n.followUnits(r.Context(), cur, op)
	}
	// A request another node forwarded here is answered here (that node
	// sent it where its unit runs), unless this is the owner and op one
	// it passes on; it only waits for its unit if that is loading here,
	// so its body is kept only while some unit is.
	onward := r.Header.Get(forwardedBy) == "" || cur.coordinating && passedOn(op)
	if op == "" || !onward && !n.loaded.busy() || !n.replay.take(r.ContentLength) {
		h.ServeHTTP(w, n.clientAddress(r))
		return
	}
	defer n.replay.give(r.ContentLength)
	body := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, body); err != nil {
		// The client is gone or broken: as the services would, abort.
		panic(http.ErrAbortHandler)
	}
	replay := func() *http.Request {
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.ContentLength = int64(len(body))
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		return r2
	}
	ctx := awsproto.WithErrorTakeover(r.Context(), func(cause error) bool {
		m, ok := storage.MovedUnit(cause)
		if !ok && onward && !cur.coordinating && notFound(cause) {
			// Creates happen on the owner: a unit this node has not
			// heard of yet may be there already.
			if to := n.role.Load().leader; to.Advertise != "" {
				n.forwardStreams(w, replay(), to, cur, op)
				return true
			}
		}
		unit, placed := unitOf(m)
		if !ok || !placed || ownerOnly(op) && !passedOn(op) {
			return false // only the owner serves it (a channel's, say)
		}
		node := n.where.nodeOf(unit)
		if node == "" && !cur.coordinating {
			// Placed a moment ago (or this node's placer is starting):
			// etcd knows before this node's watch does.
			node = readPlacement(r.Context(), n.etcd, n.prefix, unit)
		}
		// A unit not placed yet runs on the owner, which created it.
		var to Member
		switch {
		case node == n.self.ID:
			// Placed here and loading (after a move or a restart): the
			// request waits for it rather than send its client away.
			if !n.loaded.wait(r.Context(), unit, loadWait) {
				return false
			}
			h.ServeHTTP(w, n.clientAddress(replay()))
			return true
		case !onward:
			return false
		case node == "" && cur.coordinating:
			return false // moving: the client's retry finds it placed
		case node == "":
			to = n.role.Load().leader
		default:
			to, _ = n.member(node)
		}
		if to.Advertise == "" {
			return false
		}
		n.forwardStreams(w, replay(), to, cur, op)
		return true
	})
	h.ServeHTTP(w, n.clientAddress(replay().WithContext(ctx)))
}

// limitOps are the Data Streams operations checked against the account's
// open-shard and on-demand stream limits, which count the streams of
// every node. The node that serves one rereads the streams' metadata
// first; and CreateStream goes through the owner, one at a time (create),
// so that two creates on two nodes cannot both pass a limit that only one
// fits. Reshards and mode changes of two streams at once then count each
// other as on one node: by the shards each has (not those it is being
// resharded to).
var limitOps = map[string]bool{
	"CreateStream": true, "UpdateShardCount": true, "SplitShard": true, "UpdateStreamMode": true,
}

// loadWait bounds how long a request waits for its unit to load on the
// node it was sent to.
const loadWait = 3 * time.Second

// notFound tells whether err is Data Streams', Firehose's or Data
// Analytics' ResourceNotFoundException.
func notFound(err error) bool {
	var se *streams.Error
	var fe *firehose.Error
	var ae *analytics.Error
	var ve *video.Error
	return errors.As(err, &se) && se.Kind == streams.KindNotFound || errors.As(err, &fe) && fe.Kind == firehose.KindNotFound ||
		errors.As(err, &ae) && ae.Kind == analytics.KindNotFound || errors.As(err, &ve) && ve.Kind == video.KindNotFound
}

// create serves a create of a stream (Data Streams' or Video Streams') on
// the owner: the new stream is created on the least loaded node (this one
// on a tie), which places it on itself, so that a new stream never has to
// move. Data Streams' creates go one at a time (limitOps).
func (n *Node) create(w http.ResponseWriter, r *http.Request, cur *role, op string) {
	if op == "CreateStream" {
		n.creates.Lock()
		defer n.creates.Unlock()
	}
	n.followUnits(r.Context(), cur, op)
	to := n.lightestNode(cur)
	if to.ID == "" || to.ID == n.self.ID {
		n.serve(w, r, cur, op)
		return
	}
	n.forwardStreams(w, r, to, cur, op)
}

// lightestNode returns the registered node with the least load (the units
// it runs, weighed as the coordinator weighs them: clusterUnits), this
// node among equals; zero when the registry is unknown.
func (n *Node) lightestNode(cur *role) Member {
	load := map[string]int{}
	n.peers.mu.RLock()
	members := maps.Clone(n.peers.members)
	n.peers.mu.RUnlock()
	for id := range members {
		load[id] = 0
	}
	units, _ := clusterUnits(cur.srv)
	for _, u := range units {
		node := n.where.nodeOf(u.ID)
		if node == "" {
			node = n.self.ID // created here, not placed yet
		}
		if _, ok := load[node]; ok {
			load[node] += max(u.Weight, 1)
		}
	}
	mine, ok := load[n.self.ID]
	if !ok {
		return Member{}
	}
	best := lightest(load)
	if load[best] == mine {
		return n.self
	}
	return members[best]
}

// readOps are the operations of placed units that change no metadata.
var readOps = map[string]bool{
	"PutRecord": true, "PutRecords": true, "GetRecords": true, "GetShardIterator": true, "SubscribeToShard": true,
	"DescribeStream": true, "DescribeStreamSummary": true, "DescribeStreamConsumer": true, "DescribeLimits": true,
	"DescribeAccountSettings": true, "ListStreams": true, "ListShards": true, "ListStreamConsumers": true,
	"ListTagsForStream": true, "ListTagsForResource": true, "GetResourcePolicy": true,
	firehoseTarget + "PutRecord": true, firehoseTarget + "PutRecordBatch": true, firehoseTarget + "DescribeDeliveryStream": true,
	firehoseTarget + "ListDeliveryStreams": true, firehoseTarget + "ListTagsForDeliveryStream": true,
	analyticsV1Target + "DescribeApplication": true, analyticsV1Target + "ListApplications": true,
	analyticsV1Target + "ListTagsForResource": true, analyticsV1Target + "DiscoverInputSchema": true,
	analyticsV2Target + "DescribeApplication": true, analyticsV2Target + "ListApplications": true,
	analyticsV2Target + "ListTagsForResource": true, analyticsV2Target + "DiscoverInputSchema": true,
	analyticsV2Target + "ListApplicationVersions": true, analyticsV2Target + "DescribeApplicationVersion": true,
}

// forwardStreams forwards a Data Streams request to node to. When it
// changes metadata and succeeds, this node rereads the streams' metadata
// before the client hears of it, so that the client's next request here
// sees its change (the watch would bring it a moment later).
func (n *Node) forwardStreams(w http.ResponseWriter, r *http.Request, to Member, cur *role, op string) {
	if readOps[op] || isVideo(op) && videoReadOps[videoOpName(op)] {
		n.fwd.forward(w, r, to)
		return
	}
	n.fwd.forward(&followAfter{ResponseWriter: w, follow: func() { n.followUnits(r.Context(), cur, op) }}, r, to)
}

// followUnits rereads the metadata of every unit of op's service (every
// stream's, delivery stream's or application's) into this node's
// services.
func (n *Node) followUnits(ctx context.Context, cur *role, op string) {
	follow, what := cur.srv.Streams().FollowAll, "streams'"
	switch {
	case isFirehose(op):
		follow, what = cur.srv.Firehose().FollowAll, "delivery streams'"
	case isAnalytics(op):
		follow, what = cur.srv.Analytics().FollowAll, "applications'"
	case isVideo(op):
		follow, what = cur.srv.Video().FollowAll, "video streams'"
	}
	if err := follow(ctx); err != nil && ctx.Err() == nil {
		n.log.Warn("rereading the "+what+" metadata", "err", err)
	}
}

// followAfter calls follow before a successful answer's header goes out.
type followAfter struct {
	http.ResponseWriter
	follow func()
	done   bool
}

func (f *followAfter) WriteHeader(code int) {
	if !f.done {
		f.done = true
		if code < 300 {
			f.follow()
		}
	}
	f.ResponseWriter.WriteHeader(code)
}

func (f *followAfter) Write(b []byte) (int, error) {
	if !f.done {
		f.WriteHeader(http.StatusOK)
	}
	return f.ResponseWriter.Write(b)
}

func (f *followAfter) Unwrap() http.ResponseWriter { return f.ResponseWriter }
