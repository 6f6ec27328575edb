package channels

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/firehose"
	"sluice/internal/objectstore"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
)

const (
	account = "000000000000"
	region  = "us-east-1"
	roleARN = "arn:aws:iam::000000000000:role/delivery"
	bucket  = "lake"
)

var caller = Caller{Account: account, Region: region}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a channels service over real Data Streams and Firehose services
// on an embedded store in a temporary directory.
type env struct {
	t     *testing.T
	dir   string
	clock *clock
	st    *streams.Service
	fh    *firehose.Service
	ch    *Service
	close func()
}

type delays struct{ create, update, del time.Duration }

func newEnv(t *testing.T, dir string, clk *clock, d delays) *env {
	t.Helper()
	ctx := context.Background()
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data"), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	st, err := streams.New(ctx, streams.Config{Now: clk.Now}, backend)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := firehose.New(ctx, firehose.Config{
		Now: clk.Now, CreateDelay: d.create, DeleteDelay: d.del, Store: &objectstore.Dir{Root: filepath.Join(dir, "s3")},
		Source: firehose.StreamsSource{Streams: st}, Tick: 10 * time.Millisecond, SourcePoll: 10 * time.Millisecond,
	}, backend)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := New(ctx, Config{Now: clk.Now, CreateDelay: d.create, UpdateDelay: d.update, DeleteDelay: d.del,
		Streams: StreamsSource{Streams: st}, Deliveries: fh}, backend.Meta())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dir: dir, clock: clk, st: st, fh: fh, ch: ch}
	once := sync.Once{}
	e.close = func() {
		once.Do(func() {
			ch.Close()
			fh.Close()
			st.Close()
			backend.Close()
		})
	}
	t.Cleanup(e.close)
	return e
}

func (e *env) stream(name string, mode streams.Mode) string {
	e.t.Helper()
	p := streams.CreateParams{Name: name, Mode: mode}
	if mode == streams.ModeProvisioned {
		one := int64(1)
		p.ShardCount = &one
	}
	if err := e.st.CreateStream(context.Background(), streams.Caller{Account: caller.Account, Region: caller.Region}, p); err != nil {
		e.t.Fatal(err)
	}
	return streams.StreamARN(region, account, name)
}

func (e *env) put(streamARN string, recs ...string) {
	e.t.Helper()
	var entries []streams.PutEntry
	for _, r := range recs {
		// One partition key: one shard, so the records keep their order.
		entries = append(entries, streams.PutEntry{PartitionKey: "k", Data: []byte(r)})
	}
	if _, _, err := e.st.PutRecords(context.Background(), streams.Caller{Account: caller.Account, Region: caller.Region}, streams.StreamRef{ARN: streamARN}, entries, false); err != nil {
		e.t.Fatal(err)
	}
}

// params is a valid CreateChannel for a stream: BYTE_ARRAY, GZIP, the
// default template.
func params(name, streamARN string) CreateParams {
	return CreateParams{
		Name: name, RoleARN: roleARN,
		Streams: []StreamParams{{ARN: streamARN, Format: FormatByteArray}},
		S3:      &S3Params{BucketARN: "arn:aws:s3:::" + bucket, ExpectedBucketOwner: account, Compression: CompressionGZIP},
	}
}

func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (e *env) incoming(ch *Channel) int64 {
	m, err := e.fh.DeliveryMetrics(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0))
	if err != nil {
		return -1
	}
	return m.IncomingRecords.Load()
}

func (e *env) objects() []string {
	root := filepath.Join(e.dir, "s3", bucket)
	var keys []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".put-") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		keys = append(keys, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(keys)
	return keys
}

func (e *env) status(arn string) string {
	ch, err := e.ch.Describe(caller, arn)
	if err != nil {
		return "gone"
	}
	return ch.Status
}

// A channel delivers the records written to its stream after it is ACTIVE
// to its bucket, gzipped, under the default key template, once the data
// freshness has passed.
func TestChannelDelivers(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)}
	e := newEnv(t, t.TempDir(), clk, delays{})
	src := e.stream("src", streams.ModeOnDemand)
	ch, err := e.ch.Create(context.Background(), caller, params("orders", src))
	if err != nil {
		t.Fatal(err)
	}
	if ch.Status != StatusActive || ch.ARN() != "arn:aws:kinesis:us-east-1:000000000000:channel/orders" || len(ch.ID) != 16 {
		t.Fatalf("created %+v", ch)
	}
	if ch.S3.FreshnessSeconds != 300 || ch.S3.DeadLetter != (DeadLetter{BucketARN: "arn:aws:s3:::lake", ExpectedBucketOwner: account, ErrorOutputPrefix: "kinesis-channel-errors/orders/" + ch.ID + "/"}) {
		t.Fatalf("defaults %+v", ch.S3)
	}
	ds, err := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0))
	if err != nil || ds.Owner != "channel/"+ch.ID || ds.Type != firehose.TypeKinesisSource || ds.Source.StreamARN != src || ds.S3.IntervalInSeconds != 300 || ds.S3.Compression != firehose.GZIP {
		t.Fatalf("delivery stream %+v %v", ds, err)
	}
	e.put(src, "a;", "b;", "c;")
	e.waitFor("the records in the delivery stream", func() bool { return e.incoming(ch) == 3 })
	if keys := e.objects(); len(keys) != 0 {
		t.Fatalf("delivered before the freshness: %v", keys)
	}
	clk.Advance(301 * time.Second)
	e.waitFor("an object", func() bool { return len(e.objects()) == 1 })
	key := e.objects()[0]
	want := regexp.MustCompile(`^kinesis-channel/orders/` + ch.ID + `/2026/11/26/10/orders-` + ch.ID + `-2026-11-26-10-30-channel:` + ch.ID + `:0-1-2026-11-26-10-30-00-[0-9a-f-]{36}\.gz$`)
	if !want.MatchString(key) {
		t.Fatalf("key %q does not match %s", key, want)
	}
	b, err := os.ReadFile(filepath.Join(e.dir, "s3", bucket, filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(zr)
	if string(data) != "a;b;c;" {
		t.Fatalf("object holds %q", data)
	}
	if n := e.ch.Count(caller, src, e.streamCreated(src)); n != 1 {
		t.Fatalf("Count = %d", n)
	}
	if err := e.ch.CheckStreamDeletion(caller, src, "src"); KindOf(err) != KindInUse || !strings.Contains(err.Error(), "has channels (orders)") {
		t.Fatalf("stream deletion: %v", err)
	}
}

func (e *env) streamCreated(arn string) time.Time {
	st, err := e.st.DescribeStream(context.Background(), streams.Caller{Account: caller.Account, Region: caller.Region}, streams.StreamRef{ARN: arn}, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Created
}

// A custom template with a literal extension, no compression, and logging
// with its defaults.
func TestChannelTemplateAndLogging(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := newEnv(t, t.TempDir(), clk, delays{})
	src := e.stream("clicks", streams.ModeOnDemand)
	p := params("c1", src)
	p.S3.Compression = CompressionNone
	p.S3.OutputKeyTemplate = "raw/stream=!{stream-name}/!{yyyy}!{MM}!{dd}/part!{extension:.json}"
	f := int64(600)
	p.S3.FreshnessSeconds = &f
	p.Logging = &Logging{Enabled: true}
	ch, err := e.ch.Create(context.Background(), caller, p)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Logging != (Logging{Enabled: true, LogGroupName: "/aws/kinesis/c1/" + ch.ID, LogStreamName: "DestinationDelivery"}) {
		t.Fatalf("logging %+v", ch.Logging)
	}
	ds, _ := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0))
	if ds.S3.Logging != firehose.Logging(ch.Logging) || ds.S3.IntervalInSeconds != 600 || ds.S3.FileExtension != ".json" {
		t.Fatalf("delivery stream %+v", ds.S3)
	}
	e.put(src, `{"x":1}`, `{"x":2}`)
	e.waitFor("the records", func() bool { return e.incoming(ch) == 2 })
	clk.Advance(601 * time.Second)
	e.waitFor("an object", func() bool { return len(e.objects()) == 1 })
	key := e.objects()[0]
	if !regexp.MustCompile(`^raw/stream=clicks/20260102/part-channel:` + ch.ID + `:0-1-[0-9-]+-[0-9a-f-]{36}\.json$`).MatchString(key) {
		t.Fatalf("key %q", key)
	}
	b, _ := os.ReadFile(filepath.Join(e.dir, "s3", bucket, filepath.FromSlash(key)))
	if string(b) != `{"x":1}{"x":2}` {
		t.Fatalf("object %q", b)
	}
}

func TestCreateRefusals(t *testing.T) {
	e := newEnv(t, t.TempDir(), &clock{t: time.Now()}, delays{})
	src := e.stream("src", streams.ModeOnDemand)
	prov := e.stream("prov", streams.ModeProvisioned)
	other := e.stream("other", streams.ModeOnDemand)
	if _, err := e.ch.Create(context.Background(), caller, params("taken", other)); err != nil {
		t.Fatal(err)
	}
	i64 := func(v int64) *int64 { return &v }
	tests := []struct {
		name string
		edit func(p *CreateParams)
		kind Kind
		msg  string
	}{
		{"s3 tables", func(p *CreateParams) { p.S3 = nil; p.S3Tables = true }, KindInvalidArgument, "Sluice does not deliver to streaming tables"},
		{"both", func(p *CreateParams) { p.S3Tables = true }, KindInvalidArgument, "not both"},
		{"neither", func(p *CreateParams) { p.S3 = nil }, KindInvalidArgument, "Specify either"},
		{"json", func(p *CreateParams) { p.Streams[0].Format = FormatJSON }, KindInvalidArgument, "does not check JSON records yet"},
		{"string", func(p *CreateParams) { p.Streams[0].Format = FormatString }, KindInvalidArgument, "does not check STRING records yet"},
		{"gsr json", func(p *CreateParams) { p.Streams[0].Format = FormatGSRJSON }, KindInvalidArgument, "only for delivery to streaming tables"},
		{"gsr schema", func(p *CreateParams) {
			p.Streams[0].GSRSchemaARN = "arn:aws:glue:us-east-1:000000000000:schema/r/s"
		}, KindInvalidArgument, "GSRSchemaARN is used only"},
		{"freshness low", func(p *CreateParams) { p.S3.FreshnessSeconds = i64(299) }, KindInvalidArgument, "between 300 and 900"},
		{"freshness high", func(p *CreateParams) { p.S3.FreshnessSeconds = i64(901) }, KindInvalidArgument, "between 300 and 900"},
		{"two streams", func(p *CreateParams) { p.Streams = append(p.Streams, p.Streams[0]) }, KindInvalidArgument, "exactly one stream"},
		{"aws key", func(p *CreateParams) { p.Encryption = &Encryption{Type: EncryptionKMS, KeyID: "alias/aws/kinesis"} }, KindInvalidArgument, "aws/kinesis"},
		{"template", func(p *CreateParams) { p.S3.OutputKeyTemplate = "x/!{channel-name}" }, KindInvalidArgument, "extension placeholder"},
		{"provisioned", func(p *CreateParams) { p.Streams[0].ARN = prov }, KindInvalidArgument, "PROVISIONED capacity mode"},
		{"missing stream", func(p *CreateParams) {
			p.Streams[0].ARN = streams.StreamARN(region, account, "nope")
		}, KindNotFound, "Stream nope under account 000000000000 not found."},
		{"other account", func(p *CreateParams) {
			p.Streams[0].ARN = streams.StreamARN(region, "111111111111", "src")
		}, KindAccessDenied, "not authorized"},
		{"name taken", func(p *CreateParams) { p.Name = "taken" }, KindInUse, "Channel taken under account 000000000000 already exists."},
		{"second channel", func(p *CreateParams) { p.Streams[0].ARN = other }, KindLimitExceeded, "already has 1 channel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := params("c", src)
			tc.edit(&p)
			_, err := e.ch.Create(context.Background(), caller, p)
			if KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v (kind %d), want kind %d with %q", err, KindOf(err), tc.kind, tc.msg)
			}
		})
	}
	// Nothing was left behind by the refusals.
	if list, _, _ := e.ch.List(caller, nil, "", 0); len(list) != 1 {
		t.Fatalf("channels after refusals: %d", len(list))
	}
	n := 0
	e.fh.Each(func(ds *firehose.DeliveryStream, _ *firehose.Metrics) { n++ })
	if n != 1 {
		t.Fatalf("%d delivery streams after refusals", n)
	}
}

// CREATING, ACTIVE, UPDATING (the delivery takes the change), ACTIVE,
// DELETING (the delivery stream goes), gone.
func TestLifecycle(t *testing.T) {
	e := newEnv(t, t.TempDir(), &clock{t: time.Now()}, delays{create: 30 * time.Millisecond, update: 30 * time.Millisecond, del: 30 * time.Millisecond})
	src := e.stream("src", streams.ModeOnDemand)
	e.waitFor("the stream", func() bool { return e.streamStatus(src) == streams.StatusActive })
	ch, err := e.ch.Create(context.Background(), caller, params("life", src))
	if err != nil {
		t.Fatal(err)
	}
	arn := ch.ARN()
	if ch.Status != StatusCreating {
		t.Fatalf("status %s", ch.Status)
	}
	if _, err := e.ch.Update(context.Background(), caller, arn, UpdateParams{FreshnessSeconds: ptr(int64(400))}); KindOf(err) != KindInUse ||
		err.Error() != "Channel life under account 000000000000 not ACTIVE, instead in state CREATING" {
		t.Fatalf("update while CREATING: %v", err)
	}
	e.waitFor("ACTIVE", func() bool { return e.status(arn) == StatusActive })

	for _, tc := range []struct {
		p    UpdateParams
		kind Kind
	}{
		{UpdateParams{}, KindInvalidArgument},
		{UpdateParams{S3Tables: true, FreshnessSeconds: ptr(int64(300))}, KindInvalidArgument},
		{UpdateParams{FreshnessSeconds: ptr(int64(1000))}, KindInvalidArgument},
	} {
		if _, err := e.ch.Update(context.Background(), caller, arn, tc.p); KindOf(err) != tc.kind {
			t.Fatalf("update %+v: %v", tc.p, err)
		}
	}
	up, err := e.ch.Update(context.Background(), caller, arn, UpdateParams{
		FreshnessSeconds: ptr(int64(900)), Logging: &Logging{Enabled: true, LogStreamName: "mine"}, LogStreamGiven: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.Status != StatusUpdating || up.S3.FreshnessSeconds != 900 || up.Logging != (Logging{Enabled: true, LogGroupName: "/aws/kinesis/life/" + ch.ID, LogStreamName: "mine"}) {
		t.Fatalf("updated %+v", up)
	}
	ds, _ := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0))
	if ds.S3.IntervalInSeconds != 900 || ds.S3.Logging.LogStreamName != "mine" || ds.Version != 2 {
		t.Fatalf("delivery stream after the update: %+v", ds.S3)
	}
	e.waitFor("ACTIVE again", func() bool { return e.status(arn) == StatusActive })
	// Logging off keeps the names.
	up, err = e.ch.Update(context.Background(), caller, arn, UpdateParams{Logging: &Logging{Enabled: false}})
	if err != nil || up.Logging != (Logging{LogGroupName: "/aws/kinesis/life/" + ch.ID, LogStreamName: "mine"}) {
		t.Fatalf("logging off: %+v %v", up.Logging, err)
	}
	e.waitFor("ACTIVE again", func() bool { return e.status(arn) == StatusActive })

	if err := e.ch.Delete(context.Background(), caller, arn); err != nil {
		t.Fatal(err)
	}
	if s := e.status(arn); s != StatusDeleting {
		t.Fatalf("after delete: %s", s)
	}
	if err := e.ch.Delete(context.Background(), caller, arn); err != nil {
		t.Fatalf("deleting a DELETING channel: %v", err)
	}
	if err := e.ch.CheckStreamDeletion(caller, src, "src"); err != nil {
		t.Fatalf("a DELETING channel holds its stream: %v", err)
	}
	e.waitFor("gone", func() bool { return e.status(arn) == "gone" })
	if _, err := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0)); err == nil {
		e.waitFor("the delivery stream gone", func() bool {
			_, err := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0))
			return err != nil
		})
	}
	for _, bad := range []string{arn, "arn:aws:kinesis:us-east-1:000000000000:channel/", "nonsense", "arn:aws:kinesis:eu-west-1:000000000000:channel/life"} {
		if _, err := e.ch.Describe(caller, bad); KindOf(err) != KindNotFound {
			t.Fatalf("describe %s: %v", bad, err)
		}
	}
	if err := e.ch.Delete(context.Background(), caller, arn); KindOf(err) != KindNotFound {
		t.Fatalf("delete gone: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func (e *env) streamStatus(arn string) streams.Status {
	st, err := e.st.DescribeStream(context.Background(), streams.Caller{Account: caller.Account, Region: caller.Region}, streams.StreamRef{ARN: arn}, "test")
	if err != nil {
		return ""
	}
	return st.Status
}

func TestListPages(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := newEnv(t, t.TempDir(), clk, delays{})
	var arns []string
	for _, n := range []string{"c", "a", "b"} {
		src := e.stream("s"+n, streams.ModeOnDemand)
		arns = append(arns, src)
		if _, err := e.ch.Create(context.Background(), caller, params(n, src)); err != nil {
			t.Fatal(err)
		}
	}
	names := func(l []*Channel) string {
		var out []string
		for _, ch := range l {
			out = append(out, ch.Name)
		}
		return strings.Join(out, ",")
	}
	page, tok, err := e.ch.List(caller, nil, "", 2)
	if err != nil || names(page) != "a,b" || tok == "" {
		t.Fatalf("page 1: %s %q %v", names(page), tok, err)
	}
	page, tok2, err := e.ch.List(caller, nil, tok, 2)
	if err != nil || names(page) != "c" || tok2 != "" {
		t.Fatalf("page 2: %s %q %v", names(page), tok2, err)
	}
	created := e.streamCreated(arns[0])
	page, _, err = e.ch.List(caller, []StreamFilter{{ARN: arns[0], Created: &created}, {ARN: arns[2]}}, "", 0)
	if err != nil || names(page) != "b,c" {
		t.Fatalf("filtered: %s %v", names(page), err)
	}
	other := created.Add(time.Hour)
	if page, _, _ = e.ch.List(caller, []StreamFilter{{ARN: arns[0], Created: &other}}, "", 0); len(page) != 0 {
		t.Fatalf("filter by another creation time: %s", names(page))
	}
	if page, _, _ = e.ch.List(Caller{Account: account, Region: "eu-west-1"}, nil, "", 0); len(page) != 0 {
		t.Fatalf("another region: %s", names(page))
	}
	if _, _, err := e.ch.List(caller, []StreamFilter{{ARN: arns[0]}}, tok, 2); KindOf(err) != KindInvalidArgument {
		t.Fatalf("token with other filters: %v", err)
	}
	for _, bad := range []string{"x", tok + "x", "e30." + strings.Repeat("A", 43), tok[:len(tok)-2]} {
		if _, _, err := e.ch.List(caller, nil, bad, 2); KindOf(err) != KindInvalidArgument || err.Error() != "Invalid NextToken." {
			t.Fatalf("token %q: %v", bad, err)
		}
	}
	if _, _, err := e.ch.List(Caller{Account: "111111111111", Region: region}, nil, tok, 2); KindOf(err) != KindInvalidArgument {
		t.Fatalf("token of another account: %v", err)
	}
	clk.Advance(301 * time.Second)
	if _, _, err := e.ch.List(caller, nil, tok, 2); KindOf(err) != KindExpiredNextToken || err.Error() != "The NextToken has expired." {
		t.Fatalf("expired token: %v", err)
	}
}

// A restart keeps channels and their transitions; a channel whose
// delivery stream is missing gets it back; a channel delivery stream
// without its channel is deleted.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Now()}
	e := newEnv(t, dir, clk, delays{})
	src := e.stream("src", streams.ModeOnDemand)
	ch, err := e.ch.Create(context.Background(), caller, params("keep", src))
	if err != nil {
		t.Fatal(err)
	}
	// Break it: the channel's delivery stream goes, and an orphan appears.
	if err := e.fh.DeleteDeliveryStream(context.Background(), firehose.Caller(caller), DeliveryStreamName(ch.ID, 0)); err != nil {
		t.Fatal(err)
	}
	d := firehose.S3Destination{BucketARN: "arn:aws:s3:::lake"}
	if _, err := e.fh.CreateDeliveryStream(context.Background(), firehose.Caller(caller), firehose.CreateParams{
		Name: DeliveryStreamName("orphan", 0), S3: &d, Owner: Owner("orphan"),
	}); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the delivery stream gone", func() bool {
		_, err := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0))
		return err != nil
	})
	e.close()

	e = newEnv(t, dir, clk, delays{})
	got, err := e.ch.Describe(caller, ch.ARN())
	if err != nil || got.ID != ch.ID || got.Status != StatusActive || !got.Streams[0].Created.Equal(ch.Streams[0].Created) {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	if _, err := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName(ch.ID, 0)); err != nil {
		t.Fatalf("the missing delivery stream was not created again: %v", err)
	}
	e.waitFor("the orphan gone", func() bool {
		_, err := e.fh.DescribeDeliveryStream(firehose.Caller(caller), DeliveryStreamName("orphan", 0))
		return err != nil
	})
	// It delivers.
	e.put(src, "after;")
	e.waitFor("the record", func() bool { return e.incoming(got) == 1 })
	clk.Advance(301 * time.Second)
	e.waitFor("an object", func() bool { return len(e.objects()) == 1 })
}

// A CREATING channel interrupted by a restart turns ACTIVE after it (once
// its delivery stream, whose delay starts again, is ACTIVE too).
func TestRestartResumesCreating(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Now()}
	e := newEnv(t, dir, clk, delays{create: 200 * time.Millisecond})
	src := e.stream("src", streams.ModeOnDemand)
	e.waitFor("the stream", func() bool { return e.streamStatus(src) == streams.StatusActive })
	ch, err := e.ch.Create(context.Background(), caller, params("slow", src))
	if err != nil || ch.Status != StatusCreating {
		t.Fatalf("%+v %v", ch, err)
	}
	e.close()
	e = newEnv(t, dir, clk, delays{create: 200 * time.Millisecond})
	e.waitFor("ACTIVE", func() bool { return e.status(ch.ARN()) == StatusActive })
}

func TestRate(t *testing.T) {
	e := newEnv(t, t.TempDir(), &clock{t: time.Now()}, delays{})
	e.ch.cfg.Limits = true
	var err error
	for range 6 {
		if _, err = e.ch.Describe(caller, ARN(region, account, "x")); KindOf(err) == KindLimitExceeded {
			break
		}
	}
	if KindOf(err) != KindLimitExceeded || err.Error() != "Rate exceeded for account 000000000000." {
		t.Fatalf("sixth call in a second: %v", err)
	}
}

func TestParseARN(t *testing.T) {
	for _, tc := range []struct {
		arn                   string
		region, account, name string
		ok                    bool
	}{
		{"arn:aws:kinesis:us-east-1:123456789012:channel/orders", "us-east-1", "123456789012", "orders", true},
		{"arn:aws-cn:kinesis:cn-north-1:123456789012:channel/a.b", "cn-north-1", "123456789012", "a.b", true},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/orders", "", "", "", false},
		{"arn:aws:kinesis:us-east-1:123456789012:channel/a/b", "", "", "", false},
		{"arn:aws:firehose:us-east-1:123456789012:channel/a", "", "", "", false},
		{"channel/a", "", "", "", false},
	} {
		r, a, n, ok := ParseARN(tc.arn)
		if r != tc.region || a != tc.account || n != tc.name || ok != tc.ok {
			t.Errorf("ParseARN(%q) = %q %q %q %v", tc.arn, r, a, n, ok)
		}
	}
}

// FuzzOpenToken: a token that was not sealed by the service never opens
// and never panics.
func FuzzOpenToken(f *testing.F) {
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	s := &Service{cfg: Config{Now: func() time.Time { return at }}}
	good := s.sealToken(caller, filterDigest(nil), "name")
	f.Add(good)
	f.Add("")
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, tok string) {
		last, err := s.openToken(tok, caller, filterDigest(nil))
		if err == nil && (tok != good || last != "name") {
			t.Fatalf("token %q opened to %q", tok, last)
		}
		if err != nil && !errors.As(err, new(*Error)) {
			t.Fatalf("token %q: %v", tok, err)
		}
	})
}
