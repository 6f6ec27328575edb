package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/firehose"
	storagecluster "sluice/internal/storage/cluster"
	"sluice/internal/video"
)

// Status is what `GET /cluster/status` and `sluice cluster status` show:
// the nodes, the owner and its lease, and where every stream's shards,
// every delivery stream, application and video stream run.
type Status struct {
	Prefix    string       `json:"prefix"`
	Owner     *OwnerStatus `json:"owner,omitempty"`
	Nodes     []NodeStatus `json:"nodes"`
	Placement []Placement  `json:"placement"`
}

// OwnerStatus is the election's leader.
type OwnerStatus struct {
	ID        string `json:"id"`
	Advertise string `json:"advertise"`
	Lease     string `json:"lease"`
	// LeaseTTLSeconds is how long the lease lives if the owner stops
	// renewing it now (-1: it has lapsed).
	LeaseTTLSeconds int64 `json:"leaseTtlSeconds"`
	// FenceRevision is the create revision every commit compares.
	FenceRevision int64 `json:"fenceRevision"`
}

// NodeStatus is one node registered with a live session.
type NodeStatus struct {
	ID        string    `json:"id"`
	Advertise string    `json:"advertise"`
	Started   time.Time `json:"started"`
	Owner     bool      `json:"owner"`
	Lease     string    `json:"lease"`
}

// Placement is one unit of work and the node that runs it.
type Placement struct {
	Kind   string `json:"kind"` // stream, delivery-stream, application, video-stream
	Name   string `json:"name"` // account/region/name
	Shards int    `json:"shards,omitempty"`
	Open   int    `json:"openShards,omitempty"`
	Node   string `json:"node"`
}

// ReadStatus reads the cluster's status from etcd.
func ReadStatus(ctx context.Context, cli *clientv3.Client, prefix string) (Status, error) {
	st := Status{Prefix: prefix, Nodes: []NodeStatus{}, Placement: []Placement{}}
	leader, err := cli.Get(ctx, prefix+"owner/", clientv3.WithFirstCreate()...)
	if err != nil {
		return st, err
	}
	if len(leader.Kvs) > 0 {
		kv := leader.Kvs[0]
		var m Member
		json.Unmarshal(kv.Value, &m)
		o := &OwnerStatus{ID: m.ID, Advertise: m.Advertise, Lease: fmt.Sprintf("%x", kv.Lease), FenceRevision: kv.CreateRevision, LeaseTTLSeconds: -1}
		if ttl, err := cli.TimeToLive(ctx, clientv3.LeaseID(kv.Lease)); err == nil {
			o.LeaseTTLSeconds = ttl.TTL
		}
		st.Owner = o
	}
	nodes, err := cli.Get(ctx, prefix+"nodes/", clientv3.WithPrefix())
	if err != nil {
		return st, err
	}
	for _, kv := range nodes.Kvs {
		var m Member
		if json.Unmarshal(kv.Value, &m) != nil {
			continue
		}
		st.Nodes = append(st.Nodes, NodeStatus{ID: m.ID, Advertise: m.Advertise, Started: m.Started,
			Owner: st.Owner != nil && st.Owner.ID == m.ID, Lease: fmt.Sprintf("%x", kv.Lease)})
	}
	owner := ""
	if st.Owner != nil {
		owner = st.Owner.ID
	}
	placed, _, _, err := readPlacements(ctx, cli, prefix)
	if err != nil {
		return st, err
	}
	meta := storagecluster.MetaPrefix(prefix)
	for _, kind := range []struct{ name, key string }{
		{"stream", "streams/"}, {"delivery-stream", "firehose/streams/"},
		{"application", "analytics/applications/"}, {"video-stream", "video/streams/"},
	} {
		resp, err := cli.Get(ctx, meta+kind.key, clientv3.WithPrefix())
		if err != nil {
			return st, err
		}
		for _, kv := range resp.Kvs {
			p := Placement{Kind: kind.name, Name: strings.TrimPrefix(string(kv.Key), meta+kind.key), Node: owner}
			// A stream, delivery stream, application or video stream
			// runs where its placement key says; one not placed (just created, or its node left) on
			// the owner until the owner places it.
			unit := ""
			switch kind.name {
			case "stream":
				p.Shards, p.Open, unit = shardCounts(kv.Value)
			default:
				var u struct{ ID string }
				if json.Unmarshal(kv.Value, &u) == nil && u.ID != "" {
					unit = map[string]string{"delivery-stream": firehose.LogPrefix, "application": applicationUnit,
						"video-stream": video.LogPrefix}[kind.name] + u.ID
				}
			}
			if pl, ok := placed[unit]; ok && unit != "" {
				p.Node = pl.Node
			}
			st.Placement = append(st.Placement, p)
		}
	}
	sort.Slice(st.Nodes, func(i, j int) bool { return st.Nodes[i].ID < st.Nodes[j].ID })
	return st, nil
}

// shardCounts reads a stream's shards and ID from its stored JSON
// (package streams' format: a closed shard has "closed").
func shardCounts(v []byte) (all, open int, id string) {
	var s struct {
		ID     string `json:"id"`
		Shards []struct {
			Closed *time.Time `json:"closed"`
		} `json:"shards"`
	}
	if json.Unmarshal(v, &s) != nil {
		return 0, 0, ""
	}
	for _, sh := range s.Shards {
		if sh.Closed == nil {
			open++
		}
	}
	return len(s.Shards), open, s.ID
}

func (n *Node) serveStatus(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	st, err := ReadStatus(ctx, n.etcd, n.prefix)
	if err != nil {
		http.Error(w, "reading the cluster status from etcd: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(st)
}

// serveHealth answers for the node: its services' health while they run
// (the owner's, or a worker's), else 200 while it holds an etcd session
// (it can forward) and 503 while it does not.
func (n *Node) serveHealth(w http.ResponseWriter, r *http.Request) {
	cur := n.role.Load()
	if cur.srv != nil {
		cur.srv.Handler().ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	body := map[string]any{"status": "ok", "role": "follower", "node": n.self.ID, "owner": cur.leader.ID}
	status := http.StatusOK
	switch {
	case !n.sessionLive.Load():
		body["status"], body["reason"] = "unavailable", "no etcd session"
		status = http.StatusServiceUnavailable
	case cur.owning:
		body["role"] = "owner (opening)"
	case cur.leader.ID == "":
		body["owner"] = nil
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
