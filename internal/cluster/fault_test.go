package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/cluster/clustertest"
)

// Bounds of TestFaultInjection.
const (
	leaseTTL     = 3 * time.Second
	updateDelay  = 2 * time.Second // how long a reshard stays UPDATING
	maxTakeover  = 10 * time.Second
	settle       = 3 * time.Second // load between faults
	faultsBudget = 3 * time.Minute
)

// TestFaultInjection runs three nodes on three etcd members and versitygw
// under continuous load (a producer and a consumer of each of two streams,
// and a producer to a delivery stream, through every node) and
// injects, one after the other: kill -9 of the owner and its restart;
// SIGSTOP of the owner past the lease TTL, then SIGCONT; a partition of
// the owner from etcd (blackholed, then with its connections reset), then
// its healing; three cuts of the owner from etcd shorter than its lease;
// kill -9 of the owner while it reshards the stream; the etcd leader's
// crash and return; a rolling restart of every node.
// After each fault a new owner must serve within 10 s. Then the stream is
// read back and the checker (see checker) judges: nothing acknowledged
// lost, nothing duplicated, sequence numbers in order and following real
// time, nothing consumed that did not last; and every child shard starts
// after its parent ended, each shard's records within its range; every
// record put to the delivery stream and acknowledged is delivered to S3.
func TestFaultInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd, versitygw and three Sluice processes, and injects faults for about a minute")
	}
	clustertest.Binary(t) // outside the time budget
	begin := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), faultsBudget)
	defer cancel()
	at := func() string { return fmt.Sprintf("%5.1fs", time.Since(begin).Seconds()) }

	c := clustertest.Start(t, 3, func(o *clustertest.NodeOptions) {
		o.LeaseTTL = leaseTTL
		o.ExtraArgs = append(o.ExtraArgs, "--update-delay", updateDelay.String())
	})
	t.Logf("%s cluster of %d nodes up", at(), len(c.Nodes))
	clients := map[string]*kinesis.Client{}
	for _, n := range c.Nodes {
		clients[n.ID] = n.Kinesis()
	}
	const stream = "faults"
	shards := createStream(ctx, t, clients["n1"], stream, 4)
	// A second stream, which the owner places on another node (it has
	// fewer open shards): its producers and consumers go through every
	// node too, and its node is killed on its own below.
	const spread = "spread"
	spreadShards := createStream(ctx, t, clients["n1"], spread, 2)
	// A delivery stream, which the owner places on the least loaded node:
	// records are put to it through every node too.
	deliveries := &deliveryLoad{name: "deliveries", bucket: "deliveries", s3: c.S3.S3()}
	deliveries.createDeliveryStream(ctx, t, c.Nodes[0].Firehose())

	chk := newChecker()
	probes := 0
	serves := func(ctx context.Context, owner *clustertest.Node) error {
		probes++
		data := fmt.Sprintf("probe-%04d", probes)
		sent := time.Now()
		out, err := clients[owner.ID].PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String(data), Data: []byte(data)})
		if err != nil {
			return err
		}
		chk.Acked(0, record{Stream: stream, Shard: aws.ToString(out.ShardId), Seq: aws.ToString(out.SequenceNumber), Data: data}, sent, time.Now())
		return nil
	}

	// Load: a producer and a consumer through every node, and a monitor
	// of the test process.
	load, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	mon := &monitor{begin: begin}
	wg.Go(func() { mon.run(load, c.Etcd.ClientURLs()) })
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(mon)
		}
	})
	var producers []*producer
	var consumers []*consumer
	for i, n := range c.Nodes {
		p := &producer{id: i + 1, client: n.Kinesis(), stream: stream, chk: chk}
		co := &consumer{id: i + 1, client: n.Kinesis(), stream: stream, shards: shards, chk: chk}
		producers, consumers = append(producers, p), append(consumers, co)
		wg.Go(func() { p.run(load) })
		wg.Go(func() { co.run(load) })
		sp := &producer{id: i + 4, client: n.Kinesis(), stream: spread, chk: chk}
		sc := &consumer{id: i + 4, client: n.Kinesis(), stream: spread, shards: spreadShards, chk: chk}
		producers, consumers = append(producers, sp), append(consumers, sc)
		wg.Go(func() { sp.run(load) })
		wg.Go(func() { sc.run(load) })
		fh := n.Firehose()
		wg.Go(func() { deliveries.run(load, i+1, fh) })
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			stopLoad()
			wg.Wait()
		}
	}
	t.Cleanup(stop)

	owner, _ := c.WaitOwner(maxTakeover, serves)
	t.Logf("%s owner %s serves; load running", at(), owner.ID)
	sleep(ctx, settle)

	var takeovers []time.Duration
	// takeover injects a fault into the owner and waits until another node
	// serves, reporting how long that took from the injection.
	takeover := func(fault string, inject func(old *clustertest.Node)) (old *clustertest.Node) {
		t.Helper()
		old = owner
		start := time.Now()
		t.Logf("%s %s %s (acknowledged so far: %d)", at(), fault, old.ID, chk.Acks())
		inject(old)
		owner, _ = c.WaitOwner(3*maxTakeover, serves, old.ID)
		took := time.Since(start)
		takeovers = append(takeovers, took)
		t.Logf("%s %s serves %v after the %s of %s", at(), owner.ID, took.Round(time.Millisecond), fault, old.ID)
		if took > maxTakeover {
			t.Errorf("%s of owner %s: %s took over after %v, want at most %v", fault, old.ID, owner.ID, took, maxTakeover)
		}
		return old
	}

	// 1. kill -9 the owner, then restart it.
	old := takeover("kill -9", (*clustertest.Node).Kill)
	old.Start()
	t.Logf("%s %s restarted", at(), old.ID)
	sleep(ctx, settle)

	// 1b. kill -9 a node that runs one of the streams but is not the
	// owner: the owner places the stream on a live node, which serves it
	// within 10 s; then the node comes back.
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var worker *clustertest.Node
	moving := ""
	for _, name := range []string{spread, stream} {
		if n := st.NodeOf(name); n != "" && n != st.OwnerID() {
			worker, moving = c.Node(n), name
			break
		}
	}
	t.Logf("%s delivery stream %s runs on %s", at(), deliveries.name, st.NodeOfKind("delivery-stream", deliveries.name))
	if worker == nil {
		t.Fatalf("both streams run on the owner %s (%s on %q, %s on %q): want one elsewhere",
			st.OwnerID(), stream, st.NodeOf(stream), spread, st.NodeOf(spread))
	}
	t.Logf("%s kill -9 %s, which runs %s (acknowledged so far: %d)", at(), worker.ID, moving, chk.Acks())
	killed := time.Now()
	worker.Kill()
	probe := clients[st.OwnerID()]
	for {
		data, sent := fmt.Sprintf("moved-%d", time.Now().UnixNano()), time.Now()
		out, err := probe.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(moving), PartitionKey: aws.String(data), Data: []byte(data)})
		if err == nil {
			chk.Acked(0, record{Stream: moving, Shard: aws.ToString(out.ShardId), Seq: aws.ToString(out.SequenceNumber), Data: data}, sent, time.Now())
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%s never served again: %v", moving, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(killed)
	takeovers = append(takeovers, took)
	t.Logf("%s %s served again %v after the kill of %s", at(), moving, took.Round(time.Millisecond), worker.ID)
	if took > maxTakeover {
		t.Errorf("kill -9 of %s: %s served again after %v, want at most %v", worker.ID, moving, took, maxTakeover)
	}
	worker.Start()
	t.Logf("%s %s restarted", at(), worker.ID)
	sleep(ctx, settle)

	// 2. SIGSTOP the owner past its lease, then SIGCONT.
	paused := time.Now()
	old = takeover("SIGSTOP", (*clustertest.Node).Pause)
	if d := leaseTTL + time.Second - time.Since(paused); d > 0 {
		sleep(ctx, d)
	}
	old.Resume()
	old.WaitReady()
	t.Logf("%s %s resumed and ready", at(), old.ID)
	sleep(ctx, settle)

	// 3. Partition the owner from etcd, then heal: first silently (its
	// packets to etcd vanish), then loudly (its connections are reset).
	for _, cut := range []struct {
		name string
		mode clustertest.Mode
	}{{"partition from etcd", clustertest.Blackhole}, {"cut from etcd", clustertest.Refuse}} {
		old = takeover(cut.name, func(n *clustertest.Node) { n.PartitionWith(cut.mode) })
		sleep(ctx, time.Second)
		old.Heal()
		old.WaitReady()
		t.Logf("%s %s healed and ready", at(), old.ID)
		sleep(ctx, settle)
	}

	// 4. Brief cuts of the owner from etcd, shorter than its lease: it may
	// keep the cluster, and commits whose answer was lost must neither be
	// lost once acknowledged nor have their sequence numbers used again.
	for range 3 {
		o, _ := c.WaitOwner(maxTakeover, nil)
		t.Logf("%s 1 s cut from etcd of %s", at(), o.ID)
		o.PartitionWith(clustertest.Refuse)
		sleep(ctx, time.Second)
		o.Heal()
		sleep(ctx, 2*time.Second)
	}
	owner, took = c.WaitOwner(maxTakeover, serves)
	t.Logf("%s %s serves %v after the brief cuts", at(), owner.ID, took.Round(time.Millisecond))
	for _, n := range c.Nodes {
		n.WaitReady()
	}
	sleep(ctx, settle)

	// 5. Reshard under load, and kill the owner while the stream is
	// UPDATING: the next owner finishes the reshard.
	other := c.Nodes[(slices.Index(c.Nodes, owner)+1)%len(c.Nodes)]
	target := int32(2 * len(shards))
	t.Logf("%s UpdateShardCount %d -> %d through %s", at(), len(shards), target, other.ID)
	_, err = clients[other.ID].UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{
		StreamName: aws.String(stream), TargetShardCount: aws.Int32(target), ScalingType: types.ScalingTypeUniformScaling,
	})
	if err != nil {
		t.Fatalf("UpdateShardCount: %v", err)
	}
	old = takeover("kill -9 while resharding", (*clustertest.Node).Kill)
	old.Start()
	t.Logf("%s %s restarted", at(), old.ID)
	waitOpenShards(ctx, t, clients[owner.ID], stream, int(target))
	t.Logf("%s the stream is ACTIVE with %d open shards", at(), target)
	sleep(ctx, settle)

	// 6. The etcd member that leads stops at once, as a crash would: the
	// cluster keeps serving on the other two; then it rejoins.
	member := c.Etcd.Leader()
	t.Logf("%s etcd member %d, the leader, stops", at(), member+1)
	c.CrashEtcdMember(member)
	controlPlane(ctx, t, at, clients[c.Nodes[0].ID], stream)
	owner, took = c.WaitOwner(maxTakeover, serves)
	t.Logf("%s %s serves %v after etcd lost its leader", at(), owner.ID, took.Round(time.Millisecond))
	if took > maxTakeover {
		t.Errorf("without etcd's leader: %s served after %v, want at most %v", owner.ID, took, maxTakeover)
	}
	sleep(ctx, settle)
	c.RestartEtcdMember(member)
	t.Logf("%s etcd member %d rejoined", at(), member+1)
	for _, n := range c.Nodes {
		n.WaitReady()
	}
	sleep(ctx, settle)

	// 7. Rolling restart of every node under load.
	for _, n := range c.Nodes {
		if n.ID == owner.ID {
			takeover("SIGTERM", (*clustertest.Node).Stop)
		} else {
			t.Logf("%s SIGTERM %s", at(), n.ID)
			n.Stop()
		}
		n.Start()
		t.Logf("%s %s restarted", at(), n.ID)
		sleep(ctx, settle)
	}
	if ctx.Err() != nil {
		t.Fatalf("the faults took longer than %v", faultsBudget)
	}

	stop()
	for _, p := range producers {
		t.Logf("producer %d: %d payloads, %d errors, among them:\n\t%s", p.id, p.next, p.errors.Load(), strings.Join(p.sample, "\n\t"))
	}
	for _, co := range consumers {
		t.Logf("consumer %d: %d records read, %d errors", co.id, co.reads.Load(), co.errors.Load())
	}
	logGaps(t, chk.AckTimes(), begin)
	t.Log(mon)

	owner, _ = c.WaitOwner(maxTakeover, nil)
	rctx, rcancel := context.WithTimeout(t.Context(), time.Minute)
	defer rcancel()
	start := time.Now()
	reader := clients[c.Nodes[(slices.Index(c.Nodes, owner)+1)%len(c.Nodes)].ID]
	final, err := readBack(rctx, reader, stream)
	if err != nil {
		t.Fatalf("reading the stream back: %v", err)
	}
	second, err := readBack(rctx, reader, spread)
	if err != nil {
		t.Fatalf("reading %s back: %v", spread, err)
	}
	final = append(final, second...)
	rep := chk.Check(final)
	t.Logf("%s read back %d records in %v: %d acknowledged, %d written without an acknowledgement, %d consumed during the run; takeovers %v",
		at(), rep.ReadBack, time.Since(start).Round(time.Millisecond), rep.Acked, rep.Unacked, rep.Consumed, takeovers)
	logUnacked(t, rep.UnackedData, producers, begin)
	for _, p := range rep.Problems {
		t.Error(p)
	}
	for _, p := range checkLineage(rctx, clients[owner.ID], stream, final) {
		t.Error(p)
	}
	if rep.Acked < 1000 {
		t.Errorf("only %d records acknowledged: the load did not run", rep.Acked)
	}
	deliveries.check(rctx, t)
}

// createStream creates a stream of n shards, waits until it is ACTIVE and
// returns its shard IDs.
func createStream(ctx context.Context, t *testing.T, client *kinesis.Client, stream string, n int32) []string {
	t.Helper()
	for {
		_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(stream), ShardCount: aws.Int32(n)})
		var inUse *types.ResourceInUseException
		if err == nil || errors.As(err, &inUse) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("CreateStream: %v", err)
		}
		sleep(ctx, 200*time.Millisecond)
	}
	for {
		out, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(stream)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("stream %s not ACTIVE: %v", stream, err)
		}
		sleep(ctx, 100*time.Millisecond)
	}
	shards, err := listShards(ctx, client, stream)
	if err != nil || len(shards) != int(n) {
		t.Fatalf("ListShards: %v, %v", shards, err)
	}
	return shards
}

// controlPlane logs how long a metadata change (tagging the stream) takes
// to succeed, retried at once after each failure, and the failures.
func controlPlane(ctx context.Context, t *testing.T, at func() string, client *kinesis.Client, stream string) {
	t.Helper()
	start := time.Now()
	var errs []string
	for ctx.Err() == nil {
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		t0 := time.Now()
		_, err := client.AddTagsToStream(actx, &kinesis.AddTagsToStreamInput{StreamName: aws.String(stream), Tags: map[string]string{"probe": at()}})
		cancel()
		if err == nil {
			t.Logf("%s a metadata change succeeded %v after etcd lost its leader (failures: %v)", at(), time.Since(start).Round(time.Millisecond), errs)
			return
		}
		errs = append(errs, fmt.Sprintf("%v after %v", err, time.Since(t0).Round(time.Millisecond)))
		sleep(ctx, 50*time.Millisecond)
	}
}

// waitOpenShards waits until the stream is ACTIVE with n open shards.
func waitOpenShards(ctx context.Context, t *testing.T, client *kinesis.Client, stream string, n int) {
	t.Helper()
	for {
		out, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(stream)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive &&
			aws.ToInt32(out.StreamDescriptionSummary.OpenShardCount) == int32(n) {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("stream %s not ACTIVE with %d open shards: %v", stream, n, err)
		}
		sleep(ctx, 100*time.Millisecond)
	}
}

// checkLineage checks the stream's shards after resharding: every child
// starts after its parents ended, and every record of the stream read back
// (final may hold other streams' too) lies within its shard's sequence
// number range.
func checkLineage(ctx context.Context, client *kinesis.Client, stream string, final []record) []string {
	var all []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
	for {
		out, err := client.ListShards(ctx, in)
		if err != nil {
			return []string{fmt.Sprintf("ListShards: %v", err)}
		}
		all = append(all, out.Shards...)
		if out.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
	byID := map[string]types.Shard{}
	for _, s := range all {
		byID[aws.ToString(s.ShardId)] = s
	}
	num := func(s *string) *big.Int {
		n, ok := new(big.Int).SetString(aws.ToString(s), 10)
		if !ok {
			return nil
		}
		return n
	}
	var problems []string
	children := 0
	for _, s := range all {
		start := num(s.SequenceNumberRange.StartingSequenceNumber)
		for _, parent := range []*string{s.ParentShardId, s.AdjacentParentShardId} {
			if parent == nil {
				continue
			}
			children++
			p, ok := byID[aws.ToString(parent)]
			end := num(p.SequenceNumberRange.EndingSequenceNumber)
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("shard %s: parent %s not listed", aws.ToString(s.ShardId), aws.ToString(parent)))
			case end == nil:
				problems = append(problems, fmt.Sprintf("shard %s: parent %s is still open", aws.ToString(s.ShardId), aws.ToString(parent)))
			case start == nil || start.Cmp(end) <= 0:
				problems = append(problems, fmt.Sprintf("shard %s starts at %v, not after its parent %s ended at %v",
					aws.ToString(s.ShardId), start, aws.ToString(parent), end))
			}
		}
	}
	if children == 0 {
		problems = append(problems, "no shard has a parent: the stream was not resharded")
	}
	for _, r := range final {
		if r.Stream != stream {
			continue // another stream's: its shards have the same IDs
		}
		s, ok := byID[r.Shard]
		seq := num(&r.Seq)
		start, end := num(s.SequenceNumberRange.StartingSequenceNumber), num(s.SequenceNumberRange.EndingSequenceNumber)
		if !ok || seq == nil || start == nil || seq.Cmp(start) < 0 || end != nil && seq.Cmp(end) > 0 {
			problems = append(problems, fmt.Sprintf("record %v lies outside its shard's range %v..%v", r, start, end))
		}
	}
	return problems
}

// logGaps logs the longest intervals in which no put was acknowledged:
// the outages the producers saw.
func logGaps(t *testing.T, acks []time.Time, begin time.Time) {
	t.Helper()
	type gap struct {
		from time.Time
		d    time.Duration
	}
	var gaps []gap
	for i := 1; i < len(acks); i++ {
		if d := acks[i].Sub(acks[i-1]); d > 500*time.Millisecond {
			gaps = append(gaps, gap{acks[i-1], d})
		}
	}
	slices.SortFunc(gaps, func(a, b gap) int { return int(b.d - a.d) })
	for _, g := range gaps[:min(len(gaps), 8)] {
		t.Logf("no put acknowledged for %v from %.1fs", g.d.Round(time.Millisecond), g.from.Sub(begin).Seconds())
	}
}

// logUnacked logs the records written without an acknowledgement,
// counted by the error their put got, with when (since begin) the puts
// failed.
func logUnacked(t *testing.T, data []string, producers []*producer, begin time.Time) {
	t.Helper()
	type group struct {
		n      int
		at     []string
		atSeen map[string]bool
	}
	byErr := map[string]*group{}
	for _, d := range data {
		f := failure{msg: "no error recorded"}
		for _, p := range producers {
			if l, ok := p.lost[d]; ok {
				f = l
			}
		}
		g := byErr[f.msg]
		if g == nil {
			g = &group{atSeen: map[string]bool{}}
			byErr[f.msg] = g
		}
		g.n++
		if !f.at.IsZero() {
			if at := fmt.Sprintf("%.1fs", f.at.Sub(begin).Seconds()); !g.atSeen[at] {
				g.atSeen[at] = true
				g.at = append(g.at, at)
			}
		}
	}
	for msg, g := range byErr {
		t.Logf("%d records written though their put failed (at %s) with: %s", g.n, strings.Join(g.at, ", "), msg)
	}
}
