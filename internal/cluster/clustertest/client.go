package clustertest

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"sluice/internal/awsclient"
)

// RequestTimeout bounds every request of a Kinesis client: a paused node
// holds a connection open without answering.
const RequestTimeout = 5 * time.Second

// Kinesis returns a Kinesis client of the node (us-east-1, any
// credentials: the nodes run --auth open) that makes each call once: the
// caller retries, so that it knows which attempts it made. Its connections
// are its own.
func (n *Node) Kinesis() *kinesis.Client { return kinesis.NewFromConfig(n.clientConfig()) }

// Firehose returns a Firehose client of the node, made as Kinesis's.
func (n *Node) Firehose() *firehose.Client { return firehose.NewFromConfig(n.clientConfig()) }

// clientConfig is the SDK configuration of the node's clients.
func (n *Node) clientConfig() aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(n.Endpoint()),
		HTTPClient:   n.kinesisHTTPClient(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// kinesisHTTPClient is a client of the node with connections of its own,
// tuned as the SDK's.
func (n *Node) kinesisHTTPClient() *http.Client {
	tr := n.client(RequestTimeout).Transport.(*http.Transport).Clone()
	return &http.Client{Timeout: RequestTimeout, Transport: awsclient.Transport(tr)}
}
