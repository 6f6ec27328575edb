package console_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	fhsdk "github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"sluice/internal/config"
	"sluice/internal/firehose"
	"sluice/internal/testserver"
)

// endpointHit is one request the HTTP endpoint received: its headers and
// its records' data.
type endpointHit struct {
	header  http.Header
	records []string
}

// collector is an HTTPS endpoint that answers as AWS's HTTP endpoint
// delivery contract asks and keeps what it received.
type collector struct {
	*httptest.Server
	mu   sync.Mutex
	hits []endpointHit
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		var req struct {
			RequestID string `json:"requestId"`
			Records   []struct {
				Data []byte `json:"data"`
			} `json:"records"`
		}
		if err := json.NewDecoder(body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		hit := endpointHit{header: r.Header.Clone()}
		for _, rec := range req.Records {
			hit.records = append(hit.records, string(rec.Data))
		}
		c.mu.Lock()
		c.hits = append(c.hits, hit)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"requestId": req.RequestID, "timestamp": time.Now().UnixMilli()})
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *collector) wait(t *testing.T) endpointHit {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c.mu.Lock()
		n := len(c.hits)
		c.mu.Unlock()
		if n > 0 {
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.hits[0]
		}
	}
	t.Fatal("the HTTP endpoint received nothing in 10 s")
	return endpointHit{}
}

// TestBrowserFirehoseDestinations walks "Create Firehose stream" in
// Chromium for every destination kind (console.mjs, mode
// firehose-destinations): an HTTP endpoint that then receives the page's
// test record, Amazon S3 with dynamic partitioning and a jq query, S3 with
// Parquet conversion and the CloudWatch Logs processors (after the API's
// refusal of an unknown Glue table), OpenSearch, OpenSearch Serverless,
// Elasticsearch, Splunk, Redshift, Snowflake and Iceberg. Then it reads
// each stream back with DescribeDeliveryStream through the SDK.
func TestBrowserFirehoseDestinations(t *testing.T) {
	browserTools(t)
	hook := newCollector(t)
	tables := filepath.Join(t.TempDir(), "tables.json")
	if err := os.WriteFile(tables, []byte(`[{"DatabaseName":"db","Name":"events","StorageDescriptor":{"Columns":[
		{"Name":"id","Type":"bigint"},{"Name":"name","Type":"string"}]}},
		{"DatabaseName":"lake","Name":"events","StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"}]}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t,
		testserver.WithConfig(func(c *config.Config) { c.GlueTables = tables }),
		testserver.WithFirehose(func(c *firehose.Config) { c.HTTPClient = hook.Client() }))
	runConsoleScript(t, srv.URL, "firehose-destinations", "HTTP_ENDPOINT="+hook.URL+"/ingest")

	// The HTTP endpoint got the test record as AWS's contract sends it.
	hit := hook.wait(t)
	if len(hit.records) != 1 || hit.records[0] != `{"hello":"http endpoint"}` {
		t.Errorf("records = %q", hit.records)
	}
	for k, v := range map[string]string{
		"X-Amz-Firehose-Access-Key":        "key-123",
		"X-Amz-Firehose-Common-Attributes": `{"commonAttributes":{"env":"test"}}`,
		"Content-Encoding":                 "gzip",
	} {
		if got := hit.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}

	fhc := srv.FirehoseClient()
	describe := func(name string) types.DestinationDescription {
		t.Helper()
		out, err := fhc.DescribeDeliveryStream(t.Context(), &fhsdk.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out.DeliveryStreamDescription.Destinations[0]
	}
	params := func(p *types.ProcessingConfiguration) map[string]string {
		out := map[string]string{}
		if p == nil || !aws.ToBool(p.Enabled) {
			return out
		}
		for _, proc := range p.Processors {
			out[string(proc.Type)] = ""
			for _, prm := range proc.Parameters {
				out[string(proc.Type)+"."+string(prm.ParameterName)] = aws.ToString(prm.ParameterValue)
			}
		}
		return out
	}

	h := describe("console-http").HttpEndpointDestinationDescription
	if h == nil || aws.ToString(h.EndpointConfiguration.Url) != hook.URL+"/ingest" || aws.ToString(h.EndpointConfiguration.Name) != "collector" ||
		h.RequestConfiguration.ContentEncoding != types.ContentEncodingGzip || len(h.RequestConfiguration.CommonAttributes) != 1 ||
		aws.ToInt32(h.BufferingHints.SizeInMBs) != 1 || aws.ToInt32(h.BufferingHints.IntervalInSeconds) != 0 ||
		aws.ToInt32(h.RetryOptions.DurationInSeconds) != 60 || h.S3BackupMode != types.HttpEndpointS3BackupModeAllData ||
		aws.ToString(h.S3DestinationDescription.BucketARN) != "arn:aws:s3:::console-backup" {
		t.Errorf("console-http: %+v", h)
	}

	dp := describe("console-dp").ExtendedS3DestinationDescription
	if dp == nil || dp.DynamicPartitioningConfiguration == nil || !aws.ToBool(dp.DynamicPartitioningConfiguration.Enabled) ||
		aws.ToString(dp.Prefix) != "customer=!{partitionKeyFromQuery:customer}/device=!{partitionKeyFromQuery:device}/" ||
		aws.ToString(dp.ErrorOutputPrefix) != "errors/!{firehose:error-output-type}/" || aws.ToInt32(dp.BufferingHints.SizeInMBs) != 128 {
		t.Errorf("console-dp: %+v", dp)
	} else if p := params(dp.ProcessingConfiguration); p["MetadataExtraction.MetadataExtractionQuery"] != "{customer: .customer_id, device: .device.type}" ||
		p["MetadataExtraction.JsonParsingEngine"] != "JQ-1.6" || p["RecordDeAggregation.SubRecordType"] != "JSON" {
		t.Errorf("console-dp processors: %v", p)
	} else if _, ok := p["AppendDelimiterToRecord"]; !ok {
		t.Errorf("console-dp processors: %v (no new-line delimiter)", p)
	}

	pq := describe("console-parquet").ExtendedS3DestinationDescription
	if pq == nil || pq.DataFormatConversionConfiguration == nil || !aws.ToBool(pq.DataFormatConversionConfiguration.Enabled) {
		t.Errorf("console-parquet: %+v", pq)
	} else if c := pq.DataFormatConversionConfiguration; aws.ToString(c.SchemaConfiguration.DatabaseName) != "db" || aws.ToString(c.SchemaConfiguration.TableName) != "events" ||
		c.InputFormatConfiguration.Deserializer.OpenXJsonSerDe == nil || c.OutputFormatConfiguration.Serializer.ParquetSerDe.Compression != types.ParquetCompressionGzip ||
		pq.CompressionFormat != types.CompressionFormatUncompressed {
		t.Errorf("console-parquet conversion: %+v", c)
	} else if p := params(pq.ProcessingConfiguration); p["Decompression.CompressionFormat"] != "GZIP" || p["CloudWatchLogProcessing.DataMessageExtraction"] != "true" {
		t.Errorf("console-parquet processors: %v", p)
	}

	if o := describe("console-opensearch").AmazonopensearchserviceDestinationDescription; o == nil || aws.ToString(o.ClusterEndpoint) != "https://search.example:9200" ||
		aws.ToString(o.IndexName) != "logs" || o.IndexRotationPeriod != types.AmazonopensearchserviceIndexRotationPeriodOneHour ||
		o.DocumentIdOptions == nil || o.DocumentIdOptions.DefaultDocumentIdFormat != types.DefaultDocumentIdFormatNoDocumentId {
		t.Errorf("console-opensearch: %+v", o)
	}
	if s := describe("console-aoss").AmazonOpenSearchServerlessDestinationDescription; s == nil || aws.ToString(s.CollectionEndpoint) != "https://collection.aoss.example" ||
		aws.ToString(s.IndexName) != "events" {
		t.Errorf("console-aoss: %+v", s)
	}
	if e := describe("console-es").ElasticsearchDestinationDescription; e == nil || aws.ToString(e.TypeName) != "_doc" || aws.ToString(e.IndexName) != "legacy" {
		t.Errorf("console-es: %+v", e)
	}
	if s := describe("console-splunk").SplunkDestinationDescription; s == nil || aws.ToString(s.HECEndpoint) != "https://splunk.example:8088" ||
		s.HECEndpointType != types.HECEndpointTypeEvent || aws.ToInt32(s.HECAcknowledgmentTimeoutInSeconds) != 300 ||
		s.S3BackupMode != types.SplunkS3BackupModeAllEvents || aws.ToInt32(s.BufferingHints.IntervalInSeconds) != 60 {
		t.Errorf("console-splunk: %+v", s)
	}
	if r := describe("console-redshift").RedshiftDestinationDescription; r == nil || aws.ToString(r.ClusterJDBCURL) != "jdbc:redshift://dev.redshift.localhost:5432/postgres" ||
		aws.ToString(r.Username) != "loader" || aws.ToString(r.CopyCommand.DataTableName) != "orders" || aws.ToString(r.CopyCommand.DataTableColumns) != "id,item,price" ||
		aws.ToString(r.CopyCommand.CopyOptions) != "JSON 'auto'" || aws.ToString(r.S3DestinationDescription.BucketARN) != "arn:aws:s3:::console-staging" ||
		r.S3DestinationDescription.CompressionFormat != types.CompressionFormatGzip {
		t.Errorf("console-redshift: %+v", r)
	}
	if s := describe("console-snowflake").SnowflakeDestinationDescription; s == nil || aws.ToString(s.AccountUrl) != "https://xy12345.us-east-1.snowflakecomputing.com" ||
		aws.ToString(s.User) != "LOADER" || aws.ToString(s.Database)+"."+aws.ToString(s.Schema)+"."+aws.ToString(s.Table) != "DB.PUBLIC.EVENTS" ||
		s.DataLoadingOption != types.SnowflakeDataLoadingOptionVariantContentMapping || aws.ToString(s.ContentColumnName) != "RECORD" {
		t.Errorf("console-snowflake: %+v", s)
	}
	if ib := describe("console-iceberg").IcebergDestinationDescription; ib == nil || len(ib.DestinationTableConfigurationList) != 1 ||
		aws.ToString(ib.DestinationTableConfigurationList[0].DestinationDatabaseName) != "lake" ||
		aws.ToString(ib.DestinationTableConfigurationList[0].DestinationTableName) != "events" ||
		len(ib.DestinationTableConfigurationList[0].UniqueKeys) != 0 ||
		aws.ToString(ib.CatalogConfiguration.CatalogARN) != "arn:aws:glue:us-east-1:000000000000:catalog" {
		t.Errorf("console-iceberg: %+v", ib)
	}
}
