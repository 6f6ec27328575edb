package analytics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/analytics/runtime"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
)

// A running application moves between two nodes with runtimes of their
// own over one store: the new owner's runtime goes on from where the old
// one's stopped, so every record is taken in once, those put between the
// drop and the load included, and no row is lost or repeated.
func TestApplicationMovesWithItsPosition(t *testing.T) {
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { backend.Close() })
	ss, err := streams.New(ctx, streams.Config{}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	sc := streams.Caller{Account: "000000000000", Region: "us-east-1"}
	one := int64(1)
	for _, name := range []string{"ticks", "alerts"} {
		if err := ss.CreateStream(ctx, sc, streams.CreateParams{Name: name, ShardCount: &one}); err != nil {
			t.Fatal(err)
		}
	}
	in, out := streams.StreamARN(sc.Region, sc.Account, "ticks"), streams.StreamARN(sc.Region, sc.Account, "alerts")

	// node starts one node: its runtime and its control plane.
	node := func(owns func(string) bool) (*analytics.Service, *runtime.Runtime) {
		rt := runtime.New(runtime.Config{Streams: ss, Meta: backend.Meta(), CommitInterval: 20 * time.Millisecond})
		t.Cleanup(func() { rt.Close(ctx) })
		svc, err := analytics.New(ctx, analytics.Config{
			Streams: analytics.StreamsSource{Streams: ss}, Runner: rt, Code: analytics.SQLValidator{}, Owns: owns,
		}, backend)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { svc.Close() })
		rt.OnFailed(svc.Failed)
		return svc, rt
	}
	a, ra := node(nil)
	c := analytics.Caller{Account: sc.Account, Region: sc.Region}
	schema := analytics.Schema{
		Format:  analytics.RecordFormat{Type: analytics.FormatCSV, CSV: &analytics.CSVMapping{RowDelimiter: "\n", ColumnDelimiter: ","}},
		Columns: []analytics.Column{{Name: "V", SQLType: "VARCHAR(8)"}},
	}
	app, err := a.Create(ctx, c, analytics.CreateParams{
		Name: "copy",
		Code: `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (V VARCHAR(8));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM" SELECT STREAM V FROM "SOURCE_SQL_STREAM_001";`,
		Inputs:  []analytics.Input{{NamePrefix: "SOURCE_SQL_STREAM", Kind: analytics.KindKinesisStreams, Source: analytics.Resource{ARN: in}, Schema: schema}},
		Outputs: []analytics.Output{{Name: "DESTINATION_SQL_STREAM", Kind: analytics.KindKinesisStreams, Destination: analytics.Resource{ARN: out}, Format: analytics.FormatCSV}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx, c, "copy", false, map[string]analytics.StartingPosition{"1.1": analytics.PositionTrimHorizon}); err != nil {
		t.Fatal(err)
	}
	b, rb := node(func(string) bool { return false })

	put := func(data string) {
		t.Helper()
		if _, _, err := ss.PutRecords(ctx, sc, streams.StreamRef{ARN: in}, []streams.PutEntry{{PartitionKey: "k", Data: []byte(data)}}, false); err != nil {
			t.Fatal(err)
		}
	}
	alerts := func() []string {
		t.Helper()
		st, err := ss.DescribeStream(ctx, sc, streams.StreamRef{ARN: out}, "")
		if err != nil {
			t.Fatal(err)
		}
		r, err := ss.ReadShard(sc, streams.StreamRef{ARN: out}, st.ID, 0, 0, 0, 64<<20)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, rec := range r.Records {
			got = append(got, string(rec.Data))
		}
		return got
	}
	waitAlerts := func(n int) []string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for len(alerts()) < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d rows delivered, want %d: %q", len(alerts()), n, alerts())
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // a row too many would show
		return alerts()
	}
	running := func(rt *runtime.Runtime) int {
		n := 0
		rt.Each(func(runtime.Running) { n++ })
		return n
	}

	put("A")
	waitAlerts(1)
	// RUNNING, its input having run: a STARTING one would start again from
	// NOW, as after a server restart.
	deadline := time.Now().Add(10 * time.Second)
	for got, _ := a.Describe(c, "copy"); got.Status != analytics.StatusRunning; got, _ = a.Describe(c, "copy") {
		if time.Now().After(deadline) {
			t.Fatalf("the application is %s", got.Status)
		}
		time.Sleep(time.Millisecond)
	}
	a.DropApplication(app.ID)
	if n := running(ra); n != 0 {
		t.Fatalf("the old owner's runtime runs %d applications after the drop", n)
	}
	put("B") // while no node runs it
	if err := b.LoadApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	put("C")
	if got := waitAlerts(3); fmt.Sprint(got) != fmt.Sprint([]string{"A\n", "B\n", "C\n"}) {
		t.Fatalf("rows delivered across the move: %q", got)
	}
	if n := running(rb); n != 1 {
		t.Fatalf("the new owner's runtime runs %d applications", n)
	}
	if got, _ := b.Describe(c, "copy"); got.Status != analytics.StatusRunning {
		t.Fatalf("the moved application is %s at its new owner", got.Status)
	}
}
