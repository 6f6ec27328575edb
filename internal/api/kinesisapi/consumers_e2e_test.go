package kinesisapi_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

const consumerARNPattern = `^arn:aws:kinesis:us-east-1:000000000000:stream/%s/consumer/%s:\d+$`

func registerConsumer(t *testing.T, c *kinesis.Client, streamARN, name string) *types.Consumer {
	t.Helper()
	out, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String(name)})
	if err != nil {
		t.Fatalf("RegisterStreamConsumer %s: %v", name, err)
	}
	return out.Consumer
}

func TestConsumerLifecycle(t *testing.T) {
	_, c := start(t, testserver.WithConfig(func(cfg *config.Config) { cfg.CreateDelay, cfg.DeleteDelay = time.Second, time.Second }))
	c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("efo"), ShardCount: aws.Int32(1)})
	d := waitActive(t, c, "efo")
	arn := *d.StreamARN
	cons := registerConsumer(t, c, arn, "app-1")
	if cons.ConsumerStatus != types.ConsumerStatusCreating || !regexp.MustCompile(fmt.Sprintf(consumerARNPattern, "efo", "app-1")).MatchString(*cons.ConsumerARN) {
		t.Fatalf("registered: %s %s", cons.ConsumerStatus, *cons.ConsumerARN)
	}
	_, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("app-1")})
	wantAPIError(t, err, "ResourceInUseException", "Consumer app-1 under stream efo under account 000000000000 already exists.")
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cons.ConsumerARN})
		if err != nil {
			t.Fatal(err)
		}
		if out.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			if *out.ConsumerDescription.StreamARN != arn {
				t.Fatalf("StreamARN %s", *out.ConsumerDescription.StreamARN)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("consumer never became ACTIVE")
		}
		time.Sleep(50 * time.Millisecond)
	}
	byName, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("app-1")})
	if err != nil || *byName.ConsumerDescription.ConsumerARN != *cons.ConsumerARN {
		t.Fatalf("by name: %v %v", byName, err)
	}
	s, _ := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("efo")})
	if *s.StreamDescriptionSummary.ConsumerCount != 1 {
		t.Fatalf("ConsumerCount %d", *s.StreamDescriptionSummary.ConsumerCount)
	}
	// Consumers carry tags and policies by ARN.
	if _, err := c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: cons.ConsumerARN, Tags: map[string]string{"team": "x"}}); err != nil {
		t.Fatal(err)
	}
	tags, _ := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: cons.ConsumerARN})
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "team" {
		t.Fatalf("consumer tags %+v", tags.Tags)
	}
	if st, _ := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(arn)}); len(st.Tags) != 0 {
		t.Fatal("consumer tags leaked onto the stream")
	}
	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("efo")})
	wantAPIError(t, err, "ResourceInUseException", "Stream efo under account 000000000000 has registered consumers. Deregister them first or set EnforceConsumerDeletion.")

	if _, err := c.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: cons.ConsumerARN}); err != nil {
		t.Fatal(err)
	}
	out, _ := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cons.ConsumerARN})
	if out.ConsumerDescription.ConsumerStatus != types.ConsumerStatusDeleting {
		t.Fatalf("after deregister: %s", out.ConsumerDescription.ConsumerStatus)
	}
	for time.Now().Before(deadline.Add(5 * time.Second)) {
		if _, err = c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cons.ConsumerARN}); err != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	wantAPIError(t, err, "ResourceNotFoundException", "Consumer "+*cons.ConsumerARN+" under account 000000000000 not found.")
}

func TestListConsumersAndLimit(t *testing.T) {
	_, c := start(t)
	arn := *createStream(t, c, "many-consumers", 1).StreamARN
	for i := range 20 {
		registerConsumer(t, c, arn, fmt.Sprintf("c%02d", i))
	}
	_, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("one-too-many")})
	wantAPIError(t, err, "LimitExceededException", "Stream many-consumers under account 000000000000 already has the maximum of 20 registered consumers.")
	var names []string
	in := &kinesis.ListStreamConsumersInput{StreamARN: aws.String(arn), MaxResults: aws.Int32(8)}
	for pages := 0; ; pages++ {
		out, err := c.ListStreamConsumers(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, cons := range out.Consumers {
			names = append(names, *cons.ConsumerName)
		}
		if out.NextToken == nil {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		in = &kinesis.ListStreamConsumersInput{StreamARN: aws.String(arn), NextToken: out.NextToken, MaxResults: aws.Int32(8)}
	}
	if len(names) != 20 || names[0] != "c00" || names[19] != "c19" {
		t.Fatalf("listed %v", names)
	}
	_, err = c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("nobody")})
	wantAPIError(t, err, "ResourceNotFoundException", "Consumer nobody under account 000000000000 not found.")
	_, err = c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{})
	wantAPIError(t, err, "InvalidArgumentException", "Either ConsumerARN or both ConsumerName and StreamARN must be provided.")
	// EnforceConsumerDeletion deletes the stream with its consumers.
	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("many-consumers"), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
}
