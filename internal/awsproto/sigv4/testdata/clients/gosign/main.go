// Command gosign sends requests signed by aws-sdk-go-v2's Kinesis and
// Firehose clients to the capture server (see ../record.sh).
package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func main() {
	if len(os.Args) != 5 {
		log.Fatal("usage: gosign PORT KEY SECRET TOKEN")
	}
	base := "http://127.0.0.1:" + os.Args[1]
	key, secret, token := os.Args[2], os.Args[3], os.Args[4]
	name := func(n string) {
		resp, err := http.Get(base + "/__name?n=" + n)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
	config := func(token string) aws.Config {
		return aws.Config{
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider(key, secret, token),
			BaseEndpoint: aws.String(base),
			Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		}
	}
	ctx := context.Background()
	// The capture server answers "{}"; what the clients make of it does
	// not matter.
	name("go-kinesis-put-records")
	kinesis.NewFromConfig(config("")).PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"),
		Records: []types.PutRecordsRequestEntry{{Data: []byte("hi"), PartitionKey: aws.String("p")}}})
	name("go-kinesis-session-token")
	kinesis.NewFromConfig(config(token)).ListStreams(ctx, &kinesis.ListStreamsInput{})
	name("go-firehose-put-record")
	firehose.NewFromConfig(config("")).PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("d"),
		Record: &fhtypes.Record{Data: []byte("hi")}})
}
