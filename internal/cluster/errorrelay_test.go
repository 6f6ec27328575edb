package cluster_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// TestDeliveryErrorsOfEveryNodeReachCloudWatchLogs: delivery streams
// spread over the three nodes fail to deliver (their bucket does not
// exist); the errors of each, wherever it runs, are in its CloudWatch
// Logs log stream as the Logs API answers through any node.
func TestDeliveryErrorsOfEveryNodeReachCloudWatchLogs(t *testing.T) {
	c := startNodes(t, 3)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	names := []string{"bad0", "bad1", "bad2"}
	for i, name := range names {
		if _, err := firehoseAt(c.URLs[i]).CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
			DeliveryStreamName: aws.String(name),
			ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
				RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose"), BucketARN: aws.String("arn:aws:s3:::no-such-bucket"),
				BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(0)},
				CloudWatchLoggingOptions: &fhtypes.CloudWatchLoggingOptions{Enabled: aws.Bool(true),
					LogGroupName: aws.String("/aws/kinesisfirehose/" + name), LogStreamName: aws.String("DestinationDelivery")},
			},
		}); err != nil {
			t.Fatal(err)
		}
	}
	nodes := []string{c.Nodes[0].ID(), c.Nodes[1].ID(), c.Nodes[2].ID()}
	where := waitDeliveriesPlaced(t, c, names, nodes)
	if count := distinct(where, names); count != 3 {
		t.Fatalf("the delivery streams run on %d nodes, want 3: %v", count, where)
	}
	for _, name := range names {
		putRecordRetrying(ctx, t, firehoseAt(c.URLs[0]), name, "x")
	}
	for i, name := range names {
		url := c.URLs[(i+1)%3]
		for {
			events := logEvents(ctx, t, url, "/aws/kinesisfirehose/"+name, "DestinationDelivery")
			if strings.Contains(events, ":deliverystream/"+name+`\"`) && strings.Contains(events, "errorCode") {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("no delivery error of %s (on %s) through %s: %s", name, where[name], url, events)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// logEvents calls the CloudWatch Logs API's GetLogEvents through the node
// at url and returns its answer ("" while the log stream does not exist).
func logEvents(ctx context.Context, t *testing.T, url, group, stream string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"logGroupName": group, "logStreamName": stream, "startFromHead": true})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "Logs_20140328.GetLogEvents")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, req,
		hex.EncodeToString(sum[:]), "logs", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusOK:
		return string(out)
	case resp.StatusCode == http.StatusBadRequest && bytes.Contains(out, []byte("ResourceNotFoundException")):
		return ""
	}
	t.Fatalf("GetLogEvents of %s/%s through %s: %d %s", group, stream, url, resp.StatusCode, out)
	return ""
}
