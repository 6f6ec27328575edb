package client

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// shardStatus is where tail is with a shard.
type shardStatus int

const (
	waiting  shardStatus = iota // for its parents to end
	reading                     // a reader runs
	ended                       // read to its end (or skipped, or gone)
	caughtUp                    // read to its tip, with --no-follow
)

// shard is a shard tail knows of.
type shard struct {
	id      string
	parents []string
	status  shardStatus
	start   types.ShardIteratorType // where its reader starts
}

// event is a reader's end.
type event struct {
	shard string
	ended bool // read to its end, or gone; else caught up (--no-follow)
	err   error
}

// follower runs tail: it owns the shard map (on its own goroutine) and
// starts a reader per shard once the shard's parents have ended.
type follower struct {
	cmd    *tailCmd
	api    *kinesis.Client
	out    *printer
	prog   *progress
	shards map[string]*shard
	listed bool // the first listing is done
	events chan event
	wg     sync.WaitGroup

	running int
	reading atomic.Int64 // running, for the progress line
}

// maxListFailures is how many listings in a row may fail before tail
// gives up.
const maxListFailures = 5

func (f *follower) run(ctx context.Context) error {
	defer f.wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f.out.stop = cancel
	if err := f.list(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	for id := range f.cmd.only {
		if f.shards[id] == nil {
			return fmt.Errorf("stream %s has no shard %s", f.cmd.name(), id)
		}
	}
	f.startReady(ctx)

	var tick <-chan time.Time
	if !f.cmd.noFollow {
		t := time.NewTicker(f.cmd.relist)
		defer t.Stop()
		tick = t.C
	}
	var retry <-chan time.Time // a failed listing again
	needList, failures := false, 0
	for f.running > 0 || needList {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-f.events:
			f.running--
			f.reading.Add(-1)
			if ev.err != nil {
				return ev.err
			}
			if ev.ended {
				f.shards[ev.shard].status = ended
				needList = true // for its children
			} else {
				f.shards[ev.shard].status = caughtUp
			}
		case <-tick:
			needList = true
		case <-retry:
			retry = nil
		}
		if needList && retry == nil {
			if err := f.list(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if failures++; !retriable(err) || failures >= maxListFailures {
					return err
				}
				f.prog.Logf("sluice tail: listing shards: %s (retrying)", errText(err))
				retry = time.After(f.cmd.throttle.delay(failures))
			} else {
				needList, failures = false, 0
			}
		}
		f.startReady(ctx)
	}
	return nil
}

// list adds the shards not known yet. Of the first listing with --from
// latest, closed shards are skipped; shards found later start at their
// trim horizon (or at the --from timestamp).
func (f *follower) list(ctx context.Context) error {
	in := &kinesis.ListShardsInput{StreamName: f.cmd.streamName(), StreamARN: f.cmd.arn()}
	for {
		out, err := f.api.ListShards(ctx, in)
		if err != nil {
			return err
		}
		for _, s := range out.Shards {
			f.add(s)
		}
		if out.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
	f.listed = true
	return nil
}

func (f *follower) add(s types.Shard) {
	id := deref(s.ShardId)
	if f.shards[id] != nil || f.cmd.only != nil && !f.cmd.only[id] {
		return
	}
	sh := &shard{id: id, start: f.cmd.start}
	if f.cmd.only == nil {
		for _, p := range []*string{s.ParentShardId, s.AdjacentParentShardId} {
			if p != nil && *p != "" {
				sh.parents = append(sh.parents, *p)
			}
		}
	}
	if f.cmd.start == types.ShardIteratorTypeLatest {
		closed := s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil
		switch {
		case !f.listed && closed:
			sh.status = ended
		case f.listed:
			sh.start = types.ShardIteratorTypeTrimHorizon
		}
	}
	f.shards[id] = sh
}

// startReady starts a reader for every waiting shard whose parents have
// all ended. A parent tail never saw (expired) counts as ended.
func (f *follower) startReady(ctx context.Context) {
	for _, id := range sortedIDs(f.shards) {
		sh := f.shards[id]
		if sh.status != waiting || !f.parentsEnded(sh) {
			continue
		}
		sh.status = reading
		f.running++
		f.reading.Add(1)
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			ev := f.read(ctx, sh.id, sh.start)
			select {
			case f.events <- ev:
			case <-ctx.Done():
			}
		}()
	}
}

func (f *follower) parentsEnded(sh *shard) bool {
	for _, p := range sh.parents {
		if ps := f.shards[p]; ps != nil && ps.status != ended {
			return false
		}
	}
	return true
}
