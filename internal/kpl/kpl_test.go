package kpl

import (
	"bytes"
	"crypto/md5"
	"errors"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// exKPL is an aggregated record of one user record ("partition_key",
// "data") as the Erlang/Elixir KPL ports (erlmld, ex_kpl) document it in
// their examples: an independent encoder's bytes.
var exKPL = []byte{243, 137, 154, 194, 10, 13, 112, 97, 114, 116, 105, 116, 105, 111, 110, 95, 107, 101, 121,
	26, 8, 8, 0, 26, 4, 100, 97, 116, 97, 208, 54, 153, 218, 90, 34, 47, 163, 33, 8, 173, 27, 217, 85, 161, 78}

func TestAggregateMatchesIndependentEncoder(t *testing.T) {
	got := Aggregate([]SubRecord{{PartitionKey: "partition_key", Data: []byte("data")}})
	if !bytes.Equal(got, exKPL) {
		t.Fatalf("Aggregate = %v\nwant        %v", got, exKPL)
	}
	subs, err := Deaggregate(exKPL, "outer")
	if err != nil {
		t.Fatal(err)
	}
	want := []SubRecord{{PartitionKey: "partition_key", Data: []byte("data")}}
	if !reflect.DeepEqual(subs, want) {
		t.Fatalf("Deaggregate = %+v, want %+v", subs, want)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		recs []SubRecord
	}{
		{"empty", []SubRecord{}},
		{"one", []SubRecord{{PartitionKey: "a", Data: []byte("x")}}},
		{"empty data", []SubRecord{{PartitionKey: "a", Data: []byte{}}}},
		{"shared keys", []SubRecord{
			{PartitionKey: "a", Data: []byte("1")},
			{PartitionKey: "b", ExplicitHashKey: "340282366920938463463374607431768211455", Data: []byte("2")},
			{PartitionKey: "a", ExplicitHashKey: "0", Data: []byte("3")},
			{PartitionKey: "b", Data: bytes.Repeat([]byte{0xff, 0}, 300)},
		}},
		{"binary data with magic", []SubRecord{{PartitionKey: "k", Data: append([]byte{0xF3, 0x89, 0x9A, 0xC2}, make([]byte, 40)...)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			agg := Aggregate(tc.recs)
			if !IsAggregated(agg) {
				t.Fatal("IsAggregated(Aggregate(...)) = false")
			}
			got, err := Deaggregate(agg, "ignored")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.recs) {
				t.Fatalf("got %d records, want %d", len(got), len(tc.recs))
			}
			for i := range got {
				if got[i].PartitionKey != tc.recs[i].PartitionKey || got[i].ExplicitHashKey != tc.recs[i].ExplicitHashKey ||
					!bytes.Equal(got[i].Data, tc.recs[i].Data) {
					t.Fatalf("record %d = %+v, want %+v", i, got[i], tc.recs[i])
				}
			}
		})
	}
}

func TestNotAggregated(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("plain"), magic, append(append([]byte{}, magic...), make([]byte, md5.Size-1)...)} {
		if IsAggregated(data) {
			t.Errorf("IsAggregated(%x) = true", data)
		}
		got, err := Deaggregate(data, "pk")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].PartitionKey != "pk" || !bytes.Equal(got[0].Data, data) {
			t.Errorf("Deaggregate(%x) = %+v, want the record whole", data, got)
		}
	}
}

// seal frames a protobuf body as an aggregated record with a good digest.
func seal(body []byte) []byte {
	sum := md5.Sum(body)
	return append(append(append([]byte{}, magic...), body...), sum[:]...)
}

func TestCorrupt(t *testing.T) {
	good := Aggregate([]SubRecord{{PartitionKey: "a", ExplicitHashKey: "1", Data: []byte("hello")}})
	badMD5 := append([]byte{}, good...)
	badMD5[len(badMD5)-1] ^= 1
	flipped := append([]byte{}, good...)
	flipped[6] ^= 0x40

	// A record whose partition key index points past the table.
	var rec []byte
	rec = protowire.AppendTag(rec, fieldPartitionKeyIndex, protowire.VarintType)
	rec = protowire.AppendVarint(rec, 1)
	rec = protowire.AppendTag(rec, fieldData, protowire.BytesType)
	rec = protowire.AppendBytes(rec, []byte("x"))
	var outOfRange []byte
	outOfRange = protowire.AppendTag(outOfRange, fieldPartitionKeyTable, protowire.BytesType)
	outOfRange = protowire.AppendString(outOfRange, "only")
	outOfRange = protowire.AppendTag(outOfRange, fieldRecords, protowire.BytesType)
	outOfRange = protowire.AppendBytes(outOfRange, rec)

	// The explicit hash key index points into an empty table.
	var ehkRec []byte
	ehkRec = protowire.AppendTag(ehkRec, fieldPartitionKeyIndex, protowire.VarintType)
	ehkRec = protowire.AppendVarint(ehkRec, 0)
	ehkRec = protowire.AppendTag(ehkRec, fieldExplicitHashKeyIndex, protowire.VarintType)
	ehkRec = protowire.AppendVarint(ehkRec, 0)
	ehkRec = protowire.AppendTag(ehkRec, fieldData, protowire.BytesType)
	ehkRec = protowire.AppendBytes(ehkRec, []byte("x"))
	var ehkOut []byte
	ehkOut = protowire.AppendTag(ehkOut, fieldPartitionKeyTable, protowire.BytesType)
	ehkOut = protowire.AppendString(ehkOut, "k")
	ehkOut = protowire.AppendTag(ehkOut, fieldRecords, protowire.BytesType)
	ehkOut = protowire.AppendBytes(ehkOut, ehkRec)

	// Required fields missing.
	var noData []byte
	noData = protowire.AppendTag(noData, fieldPartitionKeyIndex, protowire.VarintType)
	noData = protowire.AppendVarint(noData, 0)
	var noDataBody []byte
	noDataBody = protowire.AppendTag(noDataBody, fieldPartitionKeyTable, protowire.BytesType)
	noDataBody = protowire.AppendString(noDataBody, "k")
	noDataBody = protowire.AppendTag(noDataBody, fieldRecords, protowire.BytesType)
	noDataBody = protowire.AppendBytes(noDataBody, noData)

	var noPK []byte
	noPK = protowire.AppendTag(noPK, fieldData, protowire.BytesType)
	noPK = protowire.AppendBytes(noPK, []byte("x"))
	var noPKBody []byte
	noPKBody = protowire.AppendTag(noPKBody, fieldPartitionKeyTable, protowire.BytesType)
	noPKBody = protowire.AppendString(noPKBody, "k")
	noPKBody = protowire.AppendTag(noPKBody, fieldRecords, protowire.BytesType)
	noPKBody = protowire.AppendBytes(noPKBody, noPK)

	// A tag without its required key.
	var tagRec []byte
	tagRec = append(tagRec, ehkRec[:2]...) // partition_key_index 0
	tagRec = protowire.AppendTag(tagRec, fieldData, protowire.BytesType)
	tagRec = protowire.AppendBytes(tagRec, []byte("x"))
	tagRec = protowire.AppendTag(tagRec, fieldTags, protowire.BytesType)
	tagRec = protowire.AppendBytes(tagRec, protowire.AppendString(protowire.AppendTag(nil, fieldTagValue, protowire.BytesType), "v"))
	var tagBody []byte
	tagBody = protowire.AppendTag(tagBody, fieldPartitionKeyTable, protowire.BytesType)
	tagBody = protowire.AppendString(tagBody, "k")
	tagBody = protowire.AppendTag(tagBody, fieldRecords, protowire.BytesType)
	tagBody = protowire.AppendBytes(tagBody, tagRec)

	tests := []struct {
		name string
		data []byte
	}{
		{"bad md5", badMD5},
		{"bit flip in body", flipped},
		{"truncated", good[:len(good)-3]},
		{"truncated protobuf, resealed", seal(good[4 : len(good)-md5.Size-2])},
		{"partition key index out of range", seal(outOfRange)},
		{"explicit hash key index out of range", seal(ehkOut)},
		{"missing data", seal(noDataBody)},
		{"missing partition key index", seal(noPKBody)},
		{"tag without key", seal(tagBody)},
		{"field number zero", seal([]byte{0x00, 0x01})},
		{"overlong varint", seal(bytes.Repeat([]byte{0xff}, 11))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Deaggregate(tc.data, "pk")
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Deaggregate = %+v, %v; want ErrCorrupt", got, err)
			}
		})
	}
}

func TestUnknownFieldsAndOrder(t *testing.T) {
	// Records before the key table, an unknown fixed64 field, a wrong-typed
	// known field (skipped as unknown) and a repeated scalar (last wins).
	var rec []byte
	rec = protowire.AppendTag(rec, fieldPartitionKeyIndex, protowire.VarintType)
	rec = protowire.AppendVarint(rec, 0)
	rec = protowire.AppendTag(rec, fieldData, protowire.BytesType)
	rec = protowire.AppendBytes(rec, []byte("first"))
	rec = protowire.AppendTag(rec, fieldPartitionKeyIndex, protowire.BytesType) // wrong type: unknown
	rec = protowire.AppendBytes(rec, []byte("zz"))
	rec = protowire.AppendTag(rec, fieldPartitionKeyIndex, protowire.VarintType)
	rec = protowire.AppendVarint(rec, 1)
	rec = protowire.AppendTag(rec, 9, protowire.Fixed64Type)
	rec = protowire.AppendFixed64(rec, 7)
	rec = protowire.AppendTag(rec, fieldTags, protowire.BytesType)
	rec = protowire.AppendBytes(rec, protowire.AppendString(protowire.AppendTag(nil, fieldTagKey, protowire.BytesType), "t"))
	var body []byte
	body = protowire.AppendTag(body, fieldRecords, protowire.BytesType)
	body = protowire.AppendBytes(body, rec)
	body = protowire.AppendTag(body, 15, protowire.Fixed32Type)
	body = protowire.AppendFixed32(body, 1)
	body = protowire.AppendTag(body, fieldPartitionKeyTable, protowire.BytesType)
	body = protowire.AppendString(body, "zero")
	body = protowire.AppendTag(body, fieldPartitionKeyTable, protowire.BytesType)
	body = protowire.AppendString(body, "one")
	got, err := Deaggregate(seal(body), "pk")
	if err != nil {
		t.Fatal(err)
	}
	want := []SubRecord{{PartitionKey: "one", Data: []byte("first")}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// FuzzDeaggregate checks that Deaggregate never panics, that it either
// succeeds or reports ErrCorrupt, and that what it returns aggregates back
// to records that de-aggregate the same.
func FuzzDeaggregate(f *testing.F) {
	f.Add(exKPL)
	f.Add(Aggregate([]SubRecord{{PartitionKey: "a", ExplicitHashKey: "5", Data: []byte("x")}, {PartitionKey: "b"}}))
	f.Add([]byte("not aggregated"))
	f.Add(seal([]byte{0x1a, 0x02, 0x08, 0x00}))
	f.Fuzz(func(t *testing.T, data []byte) {
		subs, err := Deaggregate(data, "pk")
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		again, err := Deaggregate(Aggregate(subs), "pk")
		if err != nil {
			t.Fatalf("re-aggregated records do not de-aggregate: %v", err)
		}
		if len(again) != len(subs) {
			t.Fatalf("round trip: %d records, want %d", len(again), len(subs))
		}
		for i := range subs {
			if again[i].PartitionKey != subs[i].PartitionKey || again[i].ExplicitHashKey != subs[i].ExplicitHashKey ||
				!bytes.Equal(again[i].Data, subs[i].Data) {
				t.Fatalf("round trip record %d = %+v, want %+v", i, again[i], subs[i])
			}
		}
	})
}

// FuzzDeaggregateBody fuzzes the protobuf message itself: the fuzzer's
// bytes are framed with the magic and a correct digest, so every input
// reaches the parser rather than stopping at the MD5 check.
func FuzzDeaggregateBody(f *testing.F) {
	f.Add(exKPL[len(magic) : len(exKPL)-md5.Size])
	agg := Aggregate([]SubRecord{{PartitionKey: "a", ExplicitHashKey: "5", Data: []byte("x")}, {PartitionKey: "b"}})
	f.Add(agg[len(magic) : len(agg)-md5.Size])
	f.Fuzz(func(t *testing.T, body []byte) {
		subs, err := Deaggregate(seal(body), "pk")
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		if _, err := Deaggregate(Aggregate(subs), "pk"); err != nil {
			t.Fatalf("re-aggregated records do not de-aggregate: %v", err)
		}
	})
}
