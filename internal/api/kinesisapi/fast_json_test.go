package kinesisapi

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
	"sluice/internal/storage"
	"sluice/internal/streams"
)

// generic decodes a body the slow way, as the handler does when the fast
// decoder declines.
func generic[In any](t testing.TB, sh *shape.Shape, body []byte) (*In, bool) {
	v, err := awsjson.Decode(body)
	if err != nil {
		return nil, false
	}
	in := new(In)
	if err := shape.Decode(sh, v, in); err != nil {
		return nil, false
	}
	return in, true
}

var fastSeeds = []string{
	`{"StreamName":"s","Records":[{"PartitionKey":"k","Data":"AAEC"},{"PartitionKey":"é\u00e9","Data":"","ExplicitHashKey":"123"}]}`,
	`{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","Records":[{"Data":"aGk=","PartitionKey":"x"}],"DryRun":true}`,
	`{"StreamName":"s","Records":[]}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"","Data":"AA=="}]}`,
	`{"StreamName":"bad name","Records":[{"PartitionKey":"k","Data":"AA=="}]}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"k","Data":"AA="}]}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"k","Data":"+/+="}]}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"k","Data":"AA==","ExplicitHashKey":"01"}]}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"k\"q","Data":"AA=="}]}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"k","Data":null}]}`,
	`{"StreamName":"s","Records":[{"PartitionKey":"k","Data":"AA==","Extra":1}]}`,
	`{"StreamName":"s","PartitionKey":"k","Data":"AAEC","SequenceNumberForOrdering":"49680558085135321065284585397556290050868322134227156994"}`,
	`{"StreamName":"s","PartitionKey":"k","Data":"AAEC","SequenceNumberForOrdering":"x"}`,
	` {"StreamName" : "s" , "PartitionKey":"k", "Data":"AAEC"} `,
	`{"StreamName":"s","PartitionKey":"k","Data":"AAEC"} x`,
	`{"StreamName":"s","Records":[{"PartitionKey":"k","Data":"AAEC"}],"StreamName":"t"}`,
	// Base64 decoders skip CR and LF; raw ones are not JSON.
	"{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"Data\":\"AAEC\n\r\n\nAAEC\"}",
	"{\"StreamName\":\"s\",\"Records\":[{\"PartitionKey\":\"k\",\"Data\":\"AA\r\n==\"}]}",
}

// TestFastDecodersAgreeWithGeneric: whatever the fast decoders accept, the
// generic decoder accepts too, with the same result.
func TestFastDecodersAgreeWithGeneric(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		if checkFastPutRecords(t, []byte(s)) {
			accepted++
		}
		if checkFastPutRecord(t, []byte(s)) {
			accepted++
		}
	}
	long := `{"StreamName":"s","Records":[` + strings.Repeat(`{"PartitionKey":"k","Data":"AA=="},`, 500) + `{"PartitionKey":"k","Data":"AA=="}]}`
	if checkFastPutRecords(t, []byte(long)) {
		t.Fatal("501 records accepted")
	}
	if accepted < 4 {
		t.Fatalf("the fast decoders accepted only %d seeds", accepted)
	}
}

func checkFastPutRecords(t testing.TB, body []byte) bool {
	fast, ok := fastPutRecords(body)
	slow, slowOK := generic[putRecordsIn](t, putRecordsInput, body)
	if !ok {
		return false
	}
	if !slowOK || !reflect.DeepEqual(fast, slow) {
		t.Fatalf("fast PutRecords decoder accepted %s as %+v, generic: %v %+v", body, fast, slowOK, slow)
	}
	return true
}

func checkFastPutRecord(t testing.TB, body []byte) bool {
	fast, ok := fastPutRecord(body)
	slow, slowOK := generic[putRecordIn](t, putRecordInput, body)
	if !ok {
		return false
	}
	if !slowOK || !reflect.DeepEqual(fast, slow) {
		t.Fatalf("fast PutRecord decoder accepted %s as %+v, generic: %v %+v", body, fast, slowOK, slow)
	}
	return true
}

func FuzzFastDecoders(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFastPutRecords(t, body)
		checkFastPutRecord(t, body)
	})
}

// TestGetRecordsAppendJSON: the hand-written encoder writes exactly what
// encoding/json writes for the same answer.
func TestGetRecordsAppendJSON(t *testing.T) {
	st := &streams.Stream{Name: "s", Encryption: []streams.EncryptionPeriod{{From: 1700000000500, Type: streams.EncryptionKMS}}}
	sh := &streams.Shard{Index: 3, Created: 1700000000}
	keys := []string{"k", "", "quote\"back\\slash", "ctl\x01\n\t\b\f", "é ü 漢字 \u2028 \u2029", "bad\xffutf8", "<html>&amp;"}
	for i, next := range []string{"AAAAAAAAAAEBiterator+/=", ""} {
		page := &streams.RecordsPage{Stream: st, Shard: sh, NextIterator: next, MillisBehindLatest: int64(i * 12345)}
		for j, k := range keys {
			page.Records = append(page.Records, storage.StoredRecord{
				Seq: uint64(j + 1), ArrivalMillis: 1700000000000 + int64(j*250), PartitionKey: k, Data: bytes.Repeat([]byte{byte(j)}, j*3),
			})
		}
		if next == "" {
			page.ChildShards = []*streams.Shard{{Index: 4, Parent: &sh.Index, HashRange: streams.HashRange{End: streams.MaxHashKey}}}
		}
		out := &getRecordsOut{page: page}
		want, err := awsjson.Encode(out.wire())
		if err != nil {
			t.Fatal(err)
		}
		got := out.AppendJSON(nil)
		if !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
		var sk awsjson.Skeleton
		out.JSONSkeleton(&sk)
		var streamed bytes.Buffer
		if err := sk.WriteTo(&streamed, nil); err != nil || sk.Size() != len(want) || !bytes.Equal(streamed.Bytes(), want) {
			t.Fatalf("skeleton of %d bytes streamed %d (%v):\n%s", sk.Size(), streamed.Len(), err, streamed.Bytes())
		}
	}
}

func TestAppendTimestampMatchesTimestamp(t *testing.T) {
	for _, ms := range []int64{0, 1, 10, 100, 120, 999, 1000, 1459799926480, 1459799926400, -1, -1500} {
		ts := time.UnixMilli(ms)
		got := string(awsjson.AppendTimestamp(nil, ts))
		want := fmt.Sprintf("%.3f", float64(ms)/1000)
		want = strings.TrimRight(strings.TrimRight(want, "0"), ".")
		if ms == 0 {
			want = "0"
		}
		if got != want {
			t.Errorf("%d ms: %s, want %s", ms, got, want)
		}
	}
}

func TestPutRecordsAppendJSON(t *testing.T) {
	out := &putRecordsOut{FailedRecordCount: 1, EncryptionType: "KMS", Records: []putRecordsResult{
		{SequenceNumber: "4968055808513532106528458539755629005086832213422715699", ShardID: "shardId-000000000001"},
		{ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000."},
	}}
	for _, o := range []*putRecordsOut{out, {Records: []putRecordsResult{}}} {
		want, _ := awsjson.Encode(o)
		if got := o.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	}
}
