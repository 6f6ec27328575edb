package cluster_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// record is one record of a stream: as a producer had it acknowledged, a
// consumer read it during a run, or the final read-back found it.
type record struct {
	Stream string
	Shard  string
	Seq    string
	Data   string
}

func (r record) String() string {
	return fmt.Sprintf("%s/%s@%s %q", r.Stream, r.Shard, r.Seq, r.Data)
}

// place is where a record sits: its stream, shard and sequence number.
type place struct{ Stream, Shard, Seq string }

func (r record) place() place { return place{r.Stream, r.Shard, r.Seq} }

// shardKey names a shard of a stream.
type shardKey struct{ Stream, Shard string }

func (r record) shard() shardKey { return shardKey{r.Stream, r.Shard} }

// ack is an acknowledged put: its record, which producer made it, when
// the request was sent and when the answer came.
type ack struct {
	record
	Producer    int
	Sent, Acked time.Time
}

// checker collects what producers had acknowledged, what they were told
// failed and what consumers read while faults were injected, and checks
// it against a final read-back of the streams. Producers give every
// attempt a payload of its own (a retry is a new payload), so a payload
// identifies one request's record. Its methods are safe for concurrent
// use.
//
// Check finds:
//   - lost: an acknowledged record absent from the read-back;
//   - misplaced: an acknowledged record found at another shard or
//     sequence number than its acknowledgement gave;
//   - duplicated: a payload found more than once in the read-back
//     (acknowledged or not);
//   - conflicting: a sequence number with two payloads, between the
//     read-back, the acknowledgements and the consumers;
//   - written though failed: a PutRecords entry answered with an error
//     code, found in the read-back;
//   - out of order: a shard's read-back whose sequence numbers do not
//     strictly increase; a consumer that read a shard's sequence numbers
//     out of order; a put acknowledged before another was sent that got
//     a higher sequence number in the same shard (sequence numbers must
//     follow real time, which two owners at once would break);
//   - phantom reads: a record a consumer read that is not in the
//     read-back (it came from a write that did not last).
//
// Acknowledgements count only records that reached the read-back; records
// written by requests whose answer never came are counted apart
// (unacknowledged), as Kinesis producers see at-least-once delivery.
type checker struct {
	mu       sync.Mutex
	acks     []ack
	failed   map[string]bool
	consumed map[int][]record // by consumer, in the order read
}

func newChecker() *checker {
	return &checker{failed: map[string]bool{}, consumed: map[int][]record{}}
}

// Acked records an acknowledged record.
func (c *checker) Acked(producer int, r record, sent, acked time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acks = append(c.acks, ack{record: r, Producer: producer, Sent: sent, Acked: acked})
}

// Failed records a payload whose put was answered with an error for that
// record (a PutRecords entry's ErrorCode): it must not be written.
func (c *checker) Failed(data string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed[data] = true
}

// Consumed records records a consumer read, in the order it read them.
func (c *checker) Consumed(consumer int, rs ...record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.consumed[consumer] = append(c.consumed[consumer], rs...)
}

// Acks returns the number of acknowledged records so far.
func (c *checker) Acks() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.acks)
}

// AckTimes returns the acknowledgement times, sorted.
func (c *checker) AckTimes() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ts := make([]time.Time, len(c.acks))
	for i, a := range c.acks {
		ts[i] = a.Acked
	}
	slices.SortFunc(ts, time.Time.Compare)
	return ts
}

// report is the outcome of Check.
type report struct {
	Acked, ReadBack, Unacked, Consumed int
	// UnackedData are the payloads read back that no put acknowledged.
	UnackedData []string
	// Problems are the defects found, a few of each kind, with counts.
	Problems []string
}

// maxExamples bounds the examples listed per kind of problem.
const maxExamples = 5

// problems gathers examples and counts per kind.
type problems struct {
	kinds    []string
	examples map[string][]string
	counts   map[string]int
}

func (p *problems) add(kind, format string, args ...any) {
	if p.counts == nil {
		p.examples, p.counts = map[string][]string{}, map[string]int{}
	}
	if p.counts[kind] == 0 {
		p.kinds = append(p.kinds, kind)
	}
	p.counts[kind]++
	if len(p.examples[kind]) < maxExamples {
		p.examples[kind] = append(p.examples[kind], fmt.Sprintf(format, args...))
	}
}

func (p *problems) list() []string {
	var out []string
	for _, k := range p.kinds {
		out = append(out, fmt.Sprintf("%s: %d, e.g.\n\t%s", k, p.counts[k], strings.Join(p.examples[k], "\n\t")))
	}
	return out
}

// Check checks the run against final, every record of the streams read
// from the start of each shard, in the order GetRecords returned them.
func (c *checker) Check(final []record) report {
	c.mu.Lock()
	defer c.mu.Unlock()
	var p problems
	rep := report{Acked: len(c.acks), ReadBack: len(final)}

	// The read-back: increasing sequence numbers per shard, one payload
	// per sequence number, where every payload is.
	at := map[place]string{}
	where := map[string][]record{}
	last := map[shardKey]string{}
	for _, r := range final {
		if prev, ok := last[r.shard()]; ok && compareSeq(prev, r.Seq) >= 0 {
			p.add("read-back out of order", "%s after sequence number %s", r, prev)
		}
		last[r.shard()] = r.Seq
		if d, ok := at[r.place()]; ok && d != r.Data {
			p.add("sequence number with two payloads", "%s and %q in the read-back", r, d)
		}
		at[r.place()] = r.Data
		where[r.Data] = append(where[r.Data], r)
	}

	// Every acknowledged record once, where it was acknowledged.
	acked := map[string]bool{}
	for _, a := range c.acks {
		if acked[a.Data] {
			p.add("payload acknowledged twice", "%s (producer %d)", a.record, a.Producer)
			continue
		}
		acked[a.Data] = true
		found := where[a.Data]
		switch {
		case len(found) == 0:
			if d, ok := at[a.place()]; ok {
				p.add("sequence number with two payloads", "acknowledged %s, read back %q", a.record, d)
			}
			p.add("lost", "acknowledged %s (producer %d, at %s) is not in the read-back", a.record, a.Producer, a.Acked.Format(time.TimeOnly+".000"))
		case len(found) > 1:
			p.add("duplicated", "acknowledged %s read back %d times: %v", a.record, len(found), found)
		case found[0].place() != a.place():
			p.add("misplaced", "acknowledged %s read back as %s", a.record, found[0])
		}
	}
	for data, found := range where {
		if acked[data] {
			continue
		}
		rep.Unacked++
		rep.UnackedData = append(rep.UnackedData, data)
		if len(found) > 1 {
			p.add("duplicated", "unacknowledged %q read back %d times: %v", data, len(found), found)
		}
		if c.failed[data] {
			p.add("written though failed", "%s was answered with an error code", found[0])
		}
	}

	// Sequence numbers follow real time within a shard.
	c.checkRealTime(&p)

	// What consumers read is in the read-back, in order.
	for consumer, rs := range c.consumed {
		rep.Consumed += len(rs)
		last := map[shardKey]string{}
		for _, r := range rs {
			if prev, ok := last[r.shard()]; ok && compareSeq(prev, r.Seq) >= 0 {
				p.add("consumer read out of order", "consumer %d read %s after %s", consumer, r, prev)
			}
			last[r.shard()] = r.Seq
			switch d, ok := at[r.place()]; {
			case !ok:
				p.add("phantom read", "consumer %d read %s, which is not in the read-back", consumer, r)
			case d != r.Data:
				p.add("sequence number with two payloads", "consumer %d read %s, the read-back has %q", consumer, r, d)
			}
		}
	}
	rep.Problems = p.list()
	return rep
}

// checkRealTime checks that when a put was acknowledged before another
// was sent, to the same shard, the first has the lower sequence number.
func (c *checker) checkRealTime(p *problems) {
	byShard := map[shardKey][]ack{}
	for _, a := range c.acks {
		byShard[a.shard()] = append(byShard[a.shard()], a)
	}
	for _, acks := range byShard {
		byAcked := slices.Clone(acks)
		slices.SortFunc(byAcked, func(a, b ack) int { return a.Acked.Compare(b.Acked) })
		slices.SortFunc(acks, func(a, b ack) int { return a.Sent.Compare(b.Sent) })
		// Sweep the puts in the order they were sent, keeping the highest
		// sequence number of the puts acknowledged before.
		var highest *ack
		i := 0
		for _, b := range acks {
			for ; i < len(byAcked) && byAcked[i].Acked.Before(b.Sent); i++ {
				if highest == nil || compareSeq(byAcked[i].Seq, highest.Seq) > 0 {
					highest = &byAcked[i]
				}
			}
			if highest != nil && compareSeq(highest.Seq, b.Seq) >= 0 {
				p.add("out of real-time order", "%s (producer %d) acknowledged before %s (producer %d) was sent",
					highest.record, highest.Producer, b.record, b.Producer)
			}
		}
	}
}

// compareSeq compares two sequence numbers (decimal strings of any
// length) numerically.
func compareSeq(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
