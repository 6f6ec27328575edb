package kinesisapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/api/kinesisapi"
	"sluice/internal/awsproto"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
)

// FuzzKinesisRequest sends arbitrary JSON bodies to every Data Streams
// operation of a real service. Properties: no panic, no InternalFailure,
// every answer is 200 or a 4xx AWS error with a __type.
func FuzzKinesisRequest(f *testing.F) {
	svcBackend, err := embedded.Open(embedded.Options{Dir: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	svc, err := streams.New(ctx, streams.Config{}, svcBackend)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { svc.Close(); svcBackend.Close() })
	api := kinesisapi.New(svc)
	var ops []string
	for name := range api.Operations {
		ops = append(ops, name)
	}
	sort.Strings(ops)
	h := awsproto.NewHandler(awsproto.HandlerOptions{Auth: &awsproto.OpenAuth{AccountID: "000000000000"}}, api)
	caller := streams.Caller{Account: "000000000000", Region: "us-east-1"}
	if err := svc.CreateStream(ctx, caller, streams.CreateParams{Name: "f", ShardCount: aws.Int64(2)}); err != nil {
		f.Fatal(err)
	}
	it, err := svc.GetShardIterator(ctx, caller, streams.StreamRef{Name: "f"}, streams.IteratorParams{ShardID: "0", Type: streams.TrimHorizon})
	if err != nil {
		f.Fatal(err)
	}

	seeds := []string{
		`{"StreamName":"f","ShardCount":2}`,
		`{"StreamName":"f","PartitionKey":"k","Data":"AAEC","ExplicitHashKey":"99999999999999999999999999999999999999"}`,
		`{"StreamName":"f","Records":[{"PartitionKey":"k","Data":""},{"PartitionKey":"\u0000","Data":"AA=="}]}`,
		`{"StreamName":"f","ShardId":"shardId-9999999999999","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"49680558085135321065284585397556290050868322134227156994"}`,
		`{"StreamName":"f","ShardId":"1","ShardIteratorType":"AT_TIMESTAMP","Timestamp":-1e20}`,
		`{"ShardIterator":"` + it + `","Limit":10000}`,
		`{"StreamName":"f","ShardFilter":{"Type":"FROM_TIMESTAMP","Timestamp":1e15},"MaxResults":1}`,
		`{"NextToken":"AAAAAAAAAAEB","MaxResults":1}`,
		`{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","RetentionPeriodHours":9e9}`,
		`{"StreamName":"f","Tags":{"a":"b"},"TagKeys":["a"],"ShardLevelMetrics":["ALL"]}`,
		`{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/f","Policy":"{}"}`,
		`{"MinimumThroughputBillingCommitment":{"Status":"ENABLED"}}`,
		`{"StreamName":"f","Limit":1,"ExclusiveStartShardId":"-"}`,
	}
	for i, s := range seeds {
		for j := range ops {
			if j%len(seeds) == i%len(seeds) || i < 3 {
				f.Add(uint8(j), []byte(s))
			}
		}
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := ops[int(op)%len(ops)]
		r := httptest.NewRequest("POST", "http://127.0.0.1/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "Kinesis_20131202."+name)
		sum := sha256.Sum256(body)
		v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now())
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		b, _ := io.ReadAll(w.Result().Body)
		if w.Code == http.StatusOK {
			return
		}
		var e map[string]any
		if w.Code != 400 || json.Unmarshal(b, &e) != nil || e["__type"] == nil {
			t.Fatalf("%s %s: %d %s", name, body, w.Code, b)
		}
	})
}
