package runtime

import "testing"

func TestShardIndexPositions(t *testing.T) {
	x := newShardIndex(position{Next: 5})
	// Records 5..9 at ROWTIMEs 100, 100, 200, 300, 300.
	for i, rt := range []int64{100, 100, 200, 300, 300} {
		x.note(rt, uint64(5+i))
	}
	cases := []struct {
		r    int64
		want position
	}{
		{50, position{Next: 5}},   // before every record: where the run started
		{100, position{Next: 5}},  // the first record at 100
		{150, position{Next: 7}},  // the first after 100 is at 200
		{200, position{Next: 7}},  //
		{300, position{Next: 8}},  //
		{301, position{Next: 10}}, // after every record taken in
	}
	for _, c := range cases {
		if got := x.position(c.r); got != c.want {
			t.Errorf("position(%d) = %+v, want %+v", c.r, got, c.want)
		}
	}
	x.trim(250)
	if got := x.position(300); got != (position{Next: 8}) {
		t.Errorf("after trim, position(300) = %+v", got)
	}
	if got := x.position(250); got != (position{Next: 8}) {
		t.Errorf("after trim, position(250) = %+v", got)
	}
	if got := x.position(100); got != (position{Next: 7}) {
		t.Errorf("after trim, a time before it replays from the entry kept: %+v", got)
	}
	x.ended = true
	if got := x.position(400); got != (position{Next: 10, Done: true}) {
		t.Errorf("an ended shard read to its end: %+v", got)
	}
	if got := newShardIndex(position{Done: true}).position(0); !got.Done {
		t.Errorf("a shard finished before the run: %+v", got)
	}
	e := newShardIndex(position{Next: 3})
	if got := e.position(10); got != (position{Next: 3}) {
		t.Errorf("a shard with nothing taken in: %+v", got)
	}
	e.ended = true
	if got := e.position(10); got != (position{Next: 3, Done: true}) {
		t.Errorf("a closed empty shard: %+v", got)
	}
}

// Past maxIndexEntries the index drops every other entry: positions can
// only move earlier (more records read again), never later.
func TestShardIndexCoarsens(t *testing.T) {
	x := newShardIndex(position{Next: 1})
	n := 3 * maxIndexEntries
	rowtime := func(i int) int64 { return int64(10 * (i / 2)) } // two records per ROWTIME
	for i := range n {
		x.note(rowtime(i), uint64(1+i))
	}
	if len(x.entries) > maxIndexEntries {
		t.Fatalf("the index holds %d entries", len(x.entries))
	}
	for r := int64(0); r <= rowtime(n)+10; r += 7 {
		want := uint64(n + 1) // the first record at or after r
		for i := range n {
			if rowtime(i) >= r {
				want = uint64(1 + i)
				break
			}
		}
		got := x.position(r).Next
		if got > want {
			t.Fatalf("position(%d) = %d, after the first record at or after it, %d", r, got, want)
		}
		if want-got > 16 {
			t.Fatalf("position(%d) = %d, far before %d", r, got, want)
		}
	}
}
