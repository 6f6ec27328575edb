package firehose

import (
	"errors"
	"testing"
	"time"
)

func TestQuotaFor(t *testing.T) {
	tests := []struct {
		region string
		want   Quota
	}{
		{"us-east-1", Quota{500_000, 2_000, 5 << 20}},
		{"us-west-2", Quota{500_000, 2_000, 5 << 20}},
		{"eu-west-1", Quota{500_000, 2_000, 5 << 20}},
		{"us-east-2", Quota{100_000, 1_000, 1 << 20}},
		{"eu-central-1", Quota{100_000, 1_000, 1 << 20}},
		{"ap-southeast-1", Quota{100_000, 1_000, 1 << 20}},
	}
	for _, tt := range tests {
		if got := QuotaFor(tt.region); got != tt.want {
			t.Errorf("QuotaFor(%s) = %+v, want %+v", tt.region, got, tt.want)
		}
	}
}

// The buckets refuse a call whole, say which quota ran short, and fill
// again at the quota's rate on the injected clock.
func TestQuotaBuckets(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	q := Quota{RecordsPerSec: 1000, RequestsPerSec: 10, BytesPerSec: 8 << 20}
	var b quotaBuckets
	type call struct {
		after       time.Duration
		n, size     int
		ok, records bool // admitted; else refused for records/bytes (true) or requests
	}
	steps := []struct {
		name  string
		calls []call
	}{
		{"a second's records at once", []call{{0, 1000, 1000, true, false}}},
		{"one record more is refused per record", []call{{0, 1, 1, false, true}}},
		{"a refused call took nothing: 100 records after 0.1 s", []call{{100 * time.Millisecond, 100, 100, true, false}}},
		{"bytes: a 4 MiB batch bursts, a second one waits", []call{
			{time.Second, 1, 4 << 20, true, false},
			{0, 1, 4 << 20, true, false},
			{0, 1, 1 << 20, false, true},
			{125 * time.Millisecond, 1, 1 << 20, true, false},
		}},
		{"requests: the 11th call in a second fails whole", []call{
			{time.Second, 1, 1, true, false}, {0, 1, 1, true, false}, {0, 1, 1, true, false}, {0, 1, 1, true, false},
			{0, 1, 1, true, false}, {0, 1, 1, true, false}, {0, 1, 1, true, false}, {0, 1, 1, true, false},
			{0, 1, 1, true, false}, {0, 1, 1, true, false}, {0, 1, 1, false, false},
			{100 * time.Millisecond, 1, 1, true, false},
		}},
	}
	for _, st := range steps {
		for i, c := range st.calls {
			now = now.Add(c.after)
			err := b.admit(q, now, c.n, c.size)
			if c.ok {
				if err != nil {
					t.Fatalf("%s, call %d: %v", st.name, i, err)
				}
				continue
			}
			var de *Error
			if !errors.As(err, &de) || de.Kind != KindServiceUnavailable || de.Msg != "Slow down." {
				t.Fatalf("%s, call %d: err = %v, want ServiceUnavailable Slow down.", st.name, i, err)
			}
			if ThrottledRecords(err) != c.records {
				t.Fatalf("%s, call %d: ThrottledRecords = %v", st.name, i, !c.records)
			}
		}
	}
}

// A 1 MiB/s region still takes a full 4 MiB PutRecordBatch, then holds
// the rate over time.
func TestQuotaSmallRegionTakesAFullBatch(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var b quotaBuckets
	q := QuotaFor("eu-central-1")
	if err := b.admit(q, now, 500, MaxBatchBytes); err != nil {
		t.Fatal(err)
	}
	if err := b.admit(q, now.Add(3*time.Second), 500, MaxBatchBytes); err == nil {
		t.Fatal("a second 4 MiB batch 3 s later was admitted at 1 MiB/s")
	}
	if err := b.admit(q, now.Add(4*time.Second), 500, MaxBatchBytes); err != nil {
		t.Fatalf("4 s later: %v", err)
	}
}
