package cluster

import (
	"fmt"
	"testing"

	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// testDamage damages objects behind the backend's back (flipped bytes in
// one frame of an object, another object deleted): reads skip exactly the
// damaged records, report each piece of damage once in Health().Damaged,
// and never fail or panic.
func testDamage(t *testing.T, e *env) {
	prefix := prefixOf(t.Name())
	const id = "damage-log"
	o := e.options(prefix, e.fence(t))
	b := open(t, o)
	l := openTestLog(t, b, id)
	appendOne(t, l, 0, "a1") // object 1: counter 1
	big := make([]storage.Record, maxFrameRecords+10)
	for i := range big {
		big[i] = storage.Record{PartitionKey: "k", Data: []byte(fmt.Sprint("b", i))}
	}
	// Object 2: counters 2..511, two frames (500 and 10 records).
	if _, err := l.Append(t.Context(), []storage.Batch{{Shard: 0, Records: big}}); err != nil {
		t.Fatal(err)
	}
	appendOne(t, l, 0, "c1") // object 3: counter 512
	appendOne(t, l, 0, "d1") // object 4: counter 513
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	keys := e.objects(t, prefix, id)
	if len(keys) != 4 {
		t.Fatalf("%d objects, want 4", len(keys))
	}
	body, err := e.s3.Get(t.Context(), e.bucket, keys[1])
	if err != nil {
		t.Fatal(err)
	}
	for i := objectHeaderSize + frameHeaderSize + 10; i < objectHeaderSize+frameHeaderSize+20; i++ {
		body[i] ^= 0xff // inside the first frame's payload
	}
	if err := e.s3.Put(t.Context(), objectstore.Object{Bucket: e.bucket, Key: keys[1], Body: body}); err != nil {
		t.Fatal(err)
	}
	if err := e.s3.Delete(t.Context(), e.bucket, keys[2]); err != nil {
		t.Fatal(err)
	}

	b = open(t, o)
	l = openTestLog(t, b, id)
	for range 2 {
		recs := readAll(t, l, 0)
		var seqs []uint64
		for _, r := range recs {
			seqs = append(seqs, r.Seq)
		}
		if len(recs) != 1+10+1 || recs[0].Seq != 1 || recs[1].Seq != 502 || recs[10].Seq != 511 || recs[11].Seq != 513 {
			t.Fatalf("records read around the damage: %v", seqs)
		}
		if string(recs[1].Data) != "b500" || string(recs[11].Data) != "d1" {
			t.Fatalf("records after the damage: %q, %q", recs[1].Data, recs[11].Data)
		}
	}
	if recs, next, err := l.Read(0, 5, 1, 0, 0); err != nil || len(recs) != 1 || recs[0].Seq != 502 || next != 503 {
		t.Fatalf("Read from inside the damaged frame: %+v, %d, %v", recs, next, err)
	}
	if recs, next, err := l.Read(0, 512, 10, 0, 0); err != nil || len(recs) != 1 || recs[0].Seq != 513 || next != 514 {
		t.Fatalf("Read from the missing object: %+v, %d, %v", recs, next, err)
	}
	if d := b.Records().Health().Damaged[id]; d != 2 {
		t.Fatalf("Health().Damaged = %d, want 2 (one damaged frame, one missing object)", d)
	}
	if seq := appendOne(t, l, 0, "e1"); seq != 514 {
		t.Fatalf("counter after damage: %d", seq)
	}
}
