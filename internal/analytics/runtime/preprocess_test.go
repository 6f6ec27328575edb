package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
)

// The preprocessing contract: records go out base64 with their metadata
// and come back Ok (new data), Dropped or ProcessingFailed; an answer that
// breaks the contract is retried on the same records.
func TestPreprocessor(t *testing.T) {
	var calls atomic.Int32
	ls := newLambdaServer(t, func(name string, event []byte) (int, []byte) {
		n := calls.Add(1)
		if n == 1 {
			return 500, []byte(`{"errorMessage":"boom"}`)
		}
		var ev preEvent
		if err := json.Unmarshal(event, &ev); err != nil {
			t.Errorf("event: %v", err)
		}
		type answer struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
			Data     string `json:"data,omitempty"`
		}
		var out []answer
		for i, r := range ev.Records {
			if n == 2 && i == 0 {
				continue // leaves a record out: the whole invocation is retried
			}
			switch string(r.Data) {
			case "drop":
				out = append(out, answer{RecordID: r.RecordID, Result: "Dropped"})
			case "fail":
				out = append(out, answer{RecordID: r.RecordID, Result: "ProcessingFailed"})
			default:
				out = append(out, answer{RecordID: r.RecordID, Result: "Ok", Data: base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(string(r.Data))))})
			}
		}
		b, _ := json.Marshal(map[string]any{"records": out})
		return 200, b
	})
	m := &Metrics{}
	p := &preprocessor{
		lambda: ls.invoker(), function: "arn:aws:lambda:us-east-1:000000000000:function:pre",
		appARN: "arn:aws:kinesisanalytics:us-east-1:000000000000:application/app", streamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/in",
		kinesis: true, log: testLogger(t), metrics: m,
	}
	recs := []inRecord{
		{shard: 0, counter: 1, arrival: 1700000000123, pk: "p", shardID: "shardId-000000000000", seq: "111", data: []byte("abc")},
		{shard: 0, counter: 2, arrival: 1700000000124, pk: "p", shardID: "shardId-000000000000", seq: "112", data: []byte("drop")},
		{shard: 0, counter: 3, arrival: 1700000000125, pk: "p", shardID: "shardId-000000000000", seq: "113", data: []byte("fail")},
	}
	p.process(context.Background(), recs)
	if calls.Load() != 3 {
		t.Fatalf("%d invocations; want 3 (an error, a record left out, then the answer)", calls.Load())
	}
	if string(recs[0].data) != "ABC" || recs[0].dropped {
		t.Fatalf("Ok record: %+v", recs[0])
	}
	if !recs[1].dropped || recs[1].failed != "" {
		t.Fatalf("Dropped record: %+v", recs[1])
	}
	if !recs[2].dropped || recs[2].failed == "" || string(recs[2].data) != "fail" {
		t.Fatalf("ProcessingFailed record: %+v", recs[2])
	}
	if m.Preprocessed.Load() != 1 || m.PreprocessDropped.Load() != 1 || m.PreprocessFailed.Load() != 1 || m.PreprocessErrors.Load() != 2 {
		t.Fatalf("metrics: %d %d %d %d", m.Preprocessed.Load(), m.PreprocessDropped.Load(), m.PreprocessFailed.Load(), m.PreprocessErrors.Load())
	}
	// The event as the guide describes it.
	var ev map[string]any
	events := ls.received("arn:aws:lambda:us-east-1:000000000000:function:pre")
	if err := json.Unmarshal(events[2], &ev); err != nil {
		t.Fatal(err)
	}
	rec := ev["records"].([]any)[0].(map[string]any)
	meta := rec["kinesisStreamRecordMetadata"].(map[string]any)
	if ev["applicationArn"] != p.appARN || ev["streamArn"] != p.streamARN || ev["invocationId"] == "" ||
		rec["recordId"] != "111" || rec["data"] != base64.StdEncoding.EncodeToString([]byte("abc")) ||
		meta["shardId"] != "shardId-000000000000" || meta["partitionKey"] != "p" || meta["sequenceNumber"] != "111" ||
		meta["approximateArrivalTimestamp"] != float64(1700000000123) {
		t.Fatalf("event: %s", events[2])
	}
	// A retried invocation sends the same record IDs under a new invocation ID.
	var first, third preEvent
	json.Unmarshal(events[0], &first)
	json.Unmarshal(events[2], &third)
	if first.InvocationID == third.InvocationID || first.Records[2].RecordID != third.Records[2].RecordID {
		t.Fatal("retries should keep record IDs and change the invocation ID")
	}

	// A delivery stream's records carry only their arrival, under stable
	// GUIDs.
	p.kinesis, p.sourceID = false, "ds1"
	fr := []inRecord{{counter: 7, arrival: 5, data: []byte("x")}}
	p.process(context.Background(), fr)
	events = ls.received("arn:aws:lambda:us-east-1:000000000000:function:pre")
	var fev map[string]any
	json.Unmarshal(events[len(events)-1], &fev)
	frec := fev["records"].([]any)[0].(map[string]any)
	if frec["recordId"] != stableGUID("ds1", "7") || frec["kinesisFirehoseRecordMetadata"].(map[string]any)["approximateArrivalTimestamp"] != float64(5) {
		t.Fatalf("delivery stream event: %s", events[len(events)-1])
	}
	if string(fr[0].data) != "X" {
		t.Fatalf("delivery stream record: %+v", fr[0])
	}
}
