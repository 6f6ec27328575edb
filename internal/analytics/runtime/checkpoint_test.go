package runtime

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"sluice/internal/analytics"
	"sluice/internal/analytics/value"
	"sluice/internal/objectstore"
)

// Checkpoints round-trip, are kept per source, and a commit that cleans
// drops the positions of other sources.
func TestCheckpoints(t *testing.T) {
	s := newServices(t)
	ctx := context.Background()
	meta := s.backend.Meta()
	a := &analytics.Application{ID: "abc", Name: "app"}
	if st, err := loadState(ctx, meta, a); st != nil || err != nil {
		t.Fatalf("state of a new application: %v %v", st, err)
	}
	st := &checkpointState{Version: checkpointVersion, Start: 42, Outputs: map[string]outputMark{"1.1": {T: 5, N: 2, Sum: 9, R: 4}}}
	old := &checkpointInput{Version: checkpointVersion, ARN: "arn:old", Shards: map[uint32]position{0: {Next: 3}}}
	if err := saveCheckpoint(ctx, meta, a, st, "1.1", "old", old, true); err != nil {
		t.Fatal(err)
	}
	in := &checkpointInput{Version: checkpointVersion, ARN: "arn:new", Shards: map[uint32]position{0: {Next: 7}, 1: {Done: true}}}
	if err := saveCheckpoint(ctx, meta, a, st, "1.1", "new", in, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := loadInput(ctx, meta, a, "1.1", "old"); got == nil {
		t.Fatal("positions of the old source dropped without cleaning")
	}
	if err := saveCheckpoint(ctx, meta, a, st, "1.1", "new", in, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := loadInput(ctx, meta, a, "1.1", "old"); got != nil {
		t.Fatal("positions of the old source kept")
	}
	got, err := loadInput(ctx, meta, a, "1.1", "new")
	if err != nil || got.ARN != "arn:new" || got.Shards[0] != (position{Next: 7}) || !got.Shards[1].Done {
		t.Fatalf("positions: %+v %v", got, err)
	}
	gst, err := loadState(ctx, meta, a)
	if err != nil || gst.Start != 42 || gst.Outputs["1.1"] != (outputMark{T: 5, N: 2, Sum: 9, R: 4}) {
		t.Fatalf("state: %+v %v", gst, err)
	}
}

// Reference data is read from the local S3 directory and parsed with its
// schema; a missing object leaves the table empty with a problem to
// report.
func TestLoadReference(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bucket"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bucket", "tickers.csv"), []byte("AMZN,Amazon\nXYZ,SomeCompany\nbad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	objects := analytics.DirObjects{Dir: objectstore.Dir{Root: dir}}
	ref := analytics.Reference{
		TableName: "CompanyName", Bucket: analytics.Resource{ARN: "arn:aws:s3:::bucket"}, FileKey: "tickers.csv",
		Schema: analytics.Schema{
			Format:  analytics.RecordFormat{Type: "CSV", CSV: &analytics.CSVMapping{RowDelimiter: "\n", ColumnDelimiter: ","}},
			Columns: []analytics.Column{{Name: "Ticker", SQLType: "VARCHAR(4)"}, {Name: "Company", SQLType: "VARCHAR(16)"}},
		},
	}
	r, err := loadReference(context.Background(), objects, ref, MaxReferenceBytes)
	if err != nil || r.problem != "" {
		t.Fatalf("load: %v %q", err, r.problem)
	}
	if len(r.rows) != 3 || r.rows[0][1].String() != "Amazon" || r.rows[1][0].String() != "XYZ" || r.rows[2][1].Kind() != value.KindNull {
		t.Fatalf("rows: %v", r.rows)
	}
	ref.FileKey = "missing.csv"
	r, err = loadReference(context.Background(), objects, ref, MaxReferenceBytes)
	if err != nil || r.problem == "" || len(r.rows) != 0 {
		t.Fatalf("missing object: %v %q %v", err, r.problem, r.rows)
	}
	ref.FileKey = "tickers.csv"
	r, _ = loadReference(context.Background(), objects, ref, 10)
	if r.problem == "" || len(r.rows) != 0 {
		t.Fatalf("an object over the limit was loaded: %v", r.rows)
	}
}

// The live view keeps the last rows of a stream as text, oldest first.
func TestLiveRing(t *testing.T) {
	r := newRing("S", LiveStreamKind, []string{"A"}, 3)
	for i := range 5 {
		r.count(1)
		v := value.NewInteger(int32(i))
		if i == 4 {
			v = value.Value{}
		}
		r.add(int64(1000*i), []value.Value{v})
	}
	s := r.snapshot()
	if s.Name != "S" || s.Kind != LiveStreamKind || s.Total != 5 || len(s.Rows) != 3 || s.Columns[0] != "ROWTIME" || s.Columns[1] != "A" {
		t.Fatalf("snapshot %+v", s)
	}
	if *s.Rows[0][0] != "1970-01-01 00:00:02.000" || *s.Rows[0][1] != "2" || s.Rows[2][1] != nil {
		t.Fatalf("rows %q %q %v", *s.Rows[0][0], *s.Rows[0][1], s.Rows[2][1])
	}
}
