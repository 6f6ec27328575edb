package cluster_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// synthetic is a clean run: two shards, records acknowledged one after the
// other with increasing sequence numbers, read back and consumed intact.
func synthetic() (*checker, []record) {
	c := newChecker()
	t0 := time.Unix(1_700_000_000, 0)
	var final []record
	for i := range 10 {
		r := record{Stream: "s", Shard: fmt.Sprintf("shardId-%012d", i%2), Seq: fmt.Sprintf("%d", 100+i), Data: fmt.Sprintf("p%d", i)}
		sent := t0.Add(time.Duration(i) * time.Second)
		c.Acked(i%3, r, sent, sent.Add(100*time.Millisecond))
		final = append(final, r)
	}
	// One unacknowledged record that landed (its answer was lost).
	final = append(final, record{Stream: "s", Shard: "shardId-000000000000", Seq: "200", Data: "lost-answer"})
	// Consumers read parts of it, in order.
	c.Consumed(1, final[0], final[2], final[4])
	c.Consumed(2, final[1], final[3])
	return c, byShard(final)
}

// byShard orders records as a read-back does: shard by shard.
func byShard(rs []record) []record {
	var out []record
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		for _, r := range rs {
			if r.Shard == shard {
				out = append(out, r)
			}
		}
	}
	return out
}

func TestCheckerCleanRun(t *testing.T) {
	c, final := synthetic()
	rep := c.Check(final)
	if len(rep.Problems) != 0 {
		t.Fatalf("problems in a clean run: %v", rep.Problems)
	}
	if rep.Acked != 10 || rep.ReadBack != 11 || rep.Unacked != 1 || rep.Consumed != 5 {
		t.Fatalf("report %+v", rep)
	}
}

// TestCheckerFinds breaks a clean run one way at a time and expects the
// checker to name the defect.
func TestCheckerFinds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(c *checker, final []record) []record
		want   string
	}{
		{"lost record", func(c *checker, final []record) []record {
			return append(final[:3:3], final[4:]...)
		}, "lost: 1"},
		{"duplicated record", func(c *checker, final []record) []record {
			dup := final[2]
			dup.Seq = "300"
			return byShard(append(final, dup))
		}, "duplicated: 1"},
		{"duplicated unacknowledged record", func(c *checker, final []record) []record {
			dup := record{Stream: "s", Shard: "shardId-000000000001", Seq: "301", Data: "lost-answer"}
			return append(final, dup)
		}, "duplicated: 1"},
		{"reordered read-back", func(c *checker, final []record) []record {
			final[1], final[2] = final[2], final[1]
			return final
		}, "read-back out of order"},
		{"sequence numbers against real time", func(c *checker, final []record) []record {
			// Swap the sequence numbers of two records acknowledged one
			// after the other on shard 0: each is read back where its ack
			// said, but the later put got the lower sequence number.
			c.acks[0].Seq, c.acks[2].Seq = c.acks[2].Seq, c.acks[0].Seq
			final[0].Data, final[1].Data = final[1].Data, final[0].Data
			c.consumed[1] = nil
			return final
		}, "out of real-time order: 1"},
		{"misplaced record", func(c *checker, final []record) []record {
			c.acks[4].Seq = "104000"
			return final
		}, "misplaced: 1"},
		{"two payloads at one sequence number", func(c *checker, final []record) []record {
			c.Consumed(3, record{Stream: "s", Shard: "shardId-000000000000", Seq: "100", Data: "other"})
			return final
		}, "sequence number with two payloads"},
		{"phantom read", func(c *checker, final []record) []record {
			c.Consumed(3, record{Stream: "s", Shard: "shardId-000000000000", Seq: "150", Data: "ghost"})
			return final
		}, "phantom read: 1"},
		{"consumer out of order", func(c *checker, final []record) []record {
			c.Consumed(3, final[2], final[1])
			return final
		}, "consumer read out of order: 1"},
		{"written though failed", func(c *checker, final []record) []record {
			c.Failed("lost-answer")
			return final
		}, "written though failed: 1"},
		{"payload acknowledged twice", func(c *checker, final []record) []record {
			c.Acked(9, final[0], time.Now(), time.Now())
			return final
		}, "payload acknowledged twice: 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, final := synthetic()
			rep := c.Check(tc.mutate(c, final))
			all := strings.Join(rep.Problems, "\n")
			if !strings.Contains(all, tc.want) {
				t.Fatalf("problems %q, want %q", all, tc.want)
			}
		})
	}
}

func TestCompareSeq(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1", "2", -1}, {"10", "9", 1}, {"49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692538361571095921575989136588899", -1},
		{"007", "7", 0}, {"100", "100", 0}, {"99", "100", -1},
	} {
		if got := compareSeq(tc.a, tc.b); got != tc.want {
			t.Errorf("compareSeq(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
