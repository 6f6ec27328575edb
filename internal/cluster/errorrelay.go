package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/firehose"
)

// Delivery errors in a cluster: the CloudWatch Logs API and the console's
// recent failures read the delivery error log of the owner (package
// deliverylog, files in its --data-dir), but a delivery stream's errors
// happen on the node that runs it. A worker's Firehose therefore logs its
// errors to an errorRelay, which puts each under <prefix>delivery-errors/
// in etcd, bound to the worker's session lease; the owner takes them into
// its log and deletes them (consumeRelayedErrors). Like CloudWatch Logs
// itself this is best effort: an error is lost if the worker dies before
// an owner took it, or if the relay's queue is full.

// errorRelayPrefix is where relayed delivery errors wait for the owner.
const errorRelayPrefix = "delivery-errors/"

// relayQueue bounds the errors a worker holds for etcd.
const relayQueue = 256

// relayedError is a delivery error as relayed: the fields its JSON leaves
// out (it is the log event's body) beside it.
type relayedError struct {
	firehose.DeliveryError
	At     time.Time `json:"at"`
	Group  string    `json:"logGroup,omitempty"`
	Stream string    `json:"logStream,omitempty"`
}

// errorRelay is a worker's firehose.ErrorLog.
type errorRelay struct {
	etcd    *clientv3.Client
	prefix  string
	node    string
	lease   clientv3.LeaseID
	log     *slog.Logger
	queue   chan relayedError
	seq     atomic.Uint64
	dropped atomic.Int64
}

func newErrorRelay(etcd *clientv3.Client, prefix, node string, lease clientv3.LeaseID, log *slog.Logger) *errorRelay {
	return &errorRelay{etcd: etcd, prefix: prefix, node: node, lease: lease, log: log, queue: make(chan relayedError, relayQueue)}
}

// Log queues e for the owner; a deliverer never waits on etcd.
func (r *errorRelay) Log(e firehose.DeliveryError) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	select {
	case r.queue <- relayedError{DeliveryError: e, At: e.Time, Group: e.LogGroupName, Stream: e.LogStreamName}:
	default:
		r.dropped.Add(1)
	}
}

// run puts the queued errors in etcd until ctx ends.
func (r *errorRelay) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-r.queue:
			b, err := json.Marshal(e)
			if err != nil {
				continue // a DeliveryError always marshals
			}
			key := fmt.Sprintf("%s%s%s-%020d-%06d", r.prefix, errorRelayPrefix, r.node, e.At.UnixNano(), r.seq.Add(1))
			if _, err := r.etcd.Put(ctx, key, string(b), clientv3.WithLease(r.lease)); err != nil && ctx.Err() == nil {
				r.log.Warn("relaying a delivery error to the owner; it is not logged", "deliveryStream", e.DeliveryStreamARN, "err", err)
			}
			if n := r.dropped.Swap(0); n > 0 {
				r.log.Warn("delivery errors not logged: they came faster than they could be relayed to the owner", "dropped", n)
			}
		}
	}
}

// consumeRelayedErrors takes the errors workers relay into sink (the
// owner's delivery error log) until ctx ends: every waiting one, then each
// as it comes.
func consumeRelayedErrors(ctx context.Context, etcd *clientv3.Client, prefix string, sink firehose.ErrorLog, log *slog.Logger) {
	at := prefix + errorRelayPrefix
	for ctx.Err() == nil {
		resp, err := etcd.Get(ctx, at, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
		if err != nil {
			sleepCtx(ctx, time.Second)
			continue
		}
		for _, kv := range resp.Kvs {
			var e relayedError
			if err := json.Unmarshal(kv.Value, &e); err != nil {
				log.Warn("a relayed delivery error does not parse; dropped", "key", string(kv.Key), "err", err)
			} else {
				d := e.DeliveryError
				d.Time, d.LogGroupName, d.LogStreamName = e.At, e.Group, e.Stream
				sink.Log(d)
			}
			etcd.Delete(ctx, string(kv.Key))
		}
		// Wait for the next one (or the watch's end), then read again.
		wctx, cancel := context.WithCancel(ctx)
		w := etcd.Watch(clientv3.WithRequireLeader(wctx), at, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1))
		for ev := range w {
			if ev.Err() != nil || slices.ContainsFunc(ev.Events, func(e *clientv3.Event) bool { return e.Type == clientv3.EventTypePut }) {
				break
			}
		}
		cancel()
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
