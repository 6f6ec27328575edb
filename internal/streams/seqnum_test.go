package streams

import (
	"math/big"
	"testing"
)

func TestSeqNumKnownValue(t *testing.T) {
	// A sequence number observed on AWS: shard 0 created at 0x6b07142f,
	// counter 0, arrival 0x6b071432.
	const aws = "49680558085135321065284585397556290050868322134227156994"
	s, ok := ParseSeqNum(aws)
	if !ok {
		t.Fatal("does not parse")
	}
	want := SeqNum{ShardCreated: 0x6b07142f, ShardIndex: 0, Counter: 0, Arrival: 0x6b071432}
	if s != want {
		t.Fatalf("parsed %+v, want %+v", s, want)
	}
	if got := s.String(); got != aws {
		t.Fatalf("formatted %s, want %s", got, aws)
	}
}

func TestSeqNumRoundTripAndOrder(t *testing.T) {
	cases := []SeqNum{
		{ShardCreated: 1, ShardIndex: 0, Counter: 0, Arrival: 1},
		{ShardCreated: 1700000000, ShardIndex: 7, Counter: 1, Arrival: 1700000001},
		{ShardCreated: 1700000000, ShardIndex: 7, Counter: 2, Arrival: 1700000000},
		{ShardCreated: 1700000000, ShardIndex: 7, Counter: MaxCounter, Arrival: 1800000000},
		{ShardCreated: 0xfffffffff, ShardIndex: MaxShardIndex, Counter: 123456789, Arrival: 0xfffffffff},
	}
	for _, c := range cases {
		str := c.String()
		if len(str) < 56 {
			t.Errorf("%+v: %s is %d digits", c, str, len(str))
		}
		got, ok := ParseSeqNum(str)
		if !ok || got != c {
			t.Errorf("%+v: round trip gave %+v %v", c, got, ok)
		}
	}
	// Within a shard, order follows the counter whatever the arrival time.
	a, _ := new(big.Int).SetString(cases[1].String(), 10)
	b, _ := new(big.Int).SetString(cases[2].String(), 10)
	if a.Cmp(b) >= 0 {
		t.Fatal("counter 2 does not sort after counter 1")
	}
}

func TestParseSeqNumRejects(t *testing.T) {
	for _, s := range []string{"", "0", "1234", "-1", "abc", "49680558085135321065284585397556290050868322134227156995",
		"4968055808513532106528458539755629005086832213422715699400"} {
		if _, ok := ParseSeqNum(s); ok {
			t.Errorf("%q parsed", s)
		}
	}
}

func FuzzParseSeqNum(f *testing.F) {
	f.Add("49680558085135321065284585397556290050868322134227156994")
	f.Add("0")
	f.Add("1" + string(make([]byte, 60)))
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseSeqNum(s)
		if !ok {
			return
		}
		back, ok := ParseSeqNum(n.String())
		if !ok || back != n {
			t.Fatalf("%q parsed as %+v, which does not round-trip", s, n)
		}
	})
}

func TestHashKeys(t *testing.T) {
	// MD5("a") = 0cc175b9c0f1b6a831c399e269772661
	h := HashPartitionKey("a")
	if h.String() != "16955237001963240173058271559858726497" {
		t.Fatalf("hash of a = %s", h)
	}
	for _, s := range []string{"0", "1", "18446744073709551616", "340282366920938463463374607431768211455"} {
		k, ok := ParseHashKey(s)
		if !ok || k.String() != s {
			t.Errorf("%s round trip: %s %v", s, k, ok)
		}
	}
	for _, s := range []string{"", "-1", "340282366920938463463374607431768211456", "x"} {
		if _, ok := ParseHashKey(s); ok {
			t.Errorf("%q parsed", s)
		}
	}
	ranges := SplitEvenly(3)
	if ranges[0].End.String() != "113427455640312821154458202477256070484" || ranges[2].End != MaxHashKey ||
		ranges[1].Start != ranges[0].End.Add(1) || ranges[2].Start != ranges[1].End.Add(1) {
		t.Fatalf("split %v", ranges)
	}
	one := SplitEvenly(1)
	if one[0].Start != (HashKey{}) || one[0].End != MaxHashKey {
		t.Fatalf("one shard %v", one)
	}
}

func TestParseShardID(t *testing.T) {
	cases := map[string]int64{
		"shardId-000000000000": 0, "shardId-0": 0, "shard-0": 0, "foo-12": 12, "7": 7, "-5": 5,
		"shardId-2147483647": 2147483647, "shardId-2147483648": -1, "shardId-": -1, "shardId-x": -1, "": -1, "a-1-2": 1,
	}
	for id, want := range cases {
		got, ok := ParseShardID(id)
		if want < 0 {
			if ok {
				t.Errorf("%q parsed as %d", id, got)
			}
			continue
		}
		if !ok || int64(got) != want {
			t.Errorf("%q: %d %v, want %d", id, got, ok, want)
		}
	}
	for index, want := range map[uint32]string{0: "shardId-000000000000", 12: "shardId-000000000012",
		MaxShardIndex: "shardId-002147483647", 1<<32 - 1: "shardId-004294967295"} {
		if got := ShardID(index); got != want {
			t.Errorf("ShardID(%d) = %q, want %q", index, got, want)
		}
	}
}

func TestTokens(t *testing.T) {
	s, err := newSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	tok := s.seal(tokenIterator, []byte("payload"))
	if tok[:11] != "AAAAAAAAAAE" {
		t.Fatalf("token %s does not start like AWS's", tok)
	}
	if p, ok := s.open(tokenIterator, tok); !ok || string(p) != "payload" {
		t.Fatal("round trip")
	}
	if _, ok := s.open(tokenListShards, tok); ok {
		t.Fatal("a token of one kind opened as another")
	}
	other, _ := newSealer(make([]byte, 32))
	if _, ok := other.open(tokenIterator, s.seal(tokenIterator, nil)); !ok {
		t.Fatal("same key, different sealer")
	}
	k2 := make([]byte, 32)
	k2[0] = 1
	third, _ := newSealer(k2)
	if _, ok := third.open(tokenIterator, tok); ok {
		t.Fatal("opened with another key")
	}
}

func FuzzDecodeIterator(f *testing.F) {
	s, _ := newSealer(make([]byte, 32))
	svc := &Service{sealer: s}
	f.Add(svc.encodeIterator(iterator{StreamID: "x", Account: "000000000000", Region: "us-east-1", Name: "n", Shard: 3, Counter: 9}))
	f.Add("AAAAAAAAAAE=")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		it, ok := svc.decodeIterator(tok)
		if ok && svc.encodeIterator(it) == "" {
			t.Fatal("decoded iterator does not encode")
		}
	})
}

// TestSeqNumWriterMatchesAppend walks runs of counters, with the shard and
// arrival changing in between, and across a carry into a new leading digit.
func TestSeqNumWriterMatchesAppend(t *testing.T) {
	var w SeqNumWriter
	check := func(s SeqNum) {
		t.Helper()
		if got, want := string(w.Append(nil, s)), s.String(); got != want {
			t.Fatalf("%+v: writer %s, Append %s", s, got, want)
		}
	}
	s := SeqNum{ShardCreated: 1764124847, ShardIndex: 3, Counter: 1, Arrival: 1764124850}
	for range 2000 {
		check(s)
		s.Counter++
	}
	s.Arrival++
	check(s)
	s.Counter += 7 // a gap
	check(s)
	s.ShardIndex = 4
	check(s)
	// Counters whose next step carries through many digits.
	for _, c := range []uint64{MaxCounter - 3, 1<<40 - 2, 99_999_999} {
		s.Counter = c
		for range 4 {
			check(s)
			s.Counter++
		}
	}
	if n := addDecimal(&[64]byte{'9', '9'}, 2, "1"); n != 3 {
		t.Errorf("99+1 has %d digits", n)
	}
}

func FuzzSeqNumWriter(f *testing.F) {
	f.Add(int64(1764124847), uint32(3), uint64(41), int64(1764124850), uint8(5))
	f.Add(int64(0), uint32(0), uint64(MaxCounter-2), int64(0), uint8(4))
	f.Fuzz(func(t *testing.T, created int64, index uint32, counter uint64, arrival int64, steps uint8) {
		s := SeqNum{ShardCreated: created, ShardIndex: index % (MaxShardIndex + 1), Counter: counter % (MaxCounter + 1), Arrival: arrival}
		var w SeqNumWriter
		for range int(steps%16) + 1 {
			if got, want := string(w.Append(nil, s)), s.String(); got != want {
				t.Fatalf("%+v: writer %s, Append %s", s, got, want)
			}
			if s.Counter == MaxCounter {
				break
			}
			s.Counter++
		}
	})
}

func BenchmarkSeqNumAppend(b *testing.B) {
	s := SeqNum{ShardCreated: 1764124847, ShardIndex: 3, Counter: 1, Arrival: 1764124850}
	buf := make([]byte, 0, 64)
	b.Run("Append", func(b *testing.B) {
		for i := range b.N {
			s.Counter = uint64(i)
			buf = s.Append(buf[:0])
		}
	})
	b.Run("Writer", func(b *testing.B) {
		var w SeqNumWriter
		for i := range b.N {
			s.Counter = uint64(i)
			buf = w.Append(buf[:0], s)
		}
	})
}
