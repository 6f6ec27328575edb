package bench

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"sluice/internal/awsclient"
)

// newTransport returns a connection pool with an idle connection per
// client goroutine and per subscription, so that a run never pays for new
// connections once warm. HTTP/2 is used where TLS negotiates it.
func newTransport(c Config) *http.Transport {
	conns := c.Concurrency + 16
	if c.Workload == "subscribe" || c.Workload == "e2e" || analyticsWorkload(c.Workload) {
		conns += c.Shards // a subscription holds a connection (over HTTP/1.1)
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{InsecureSkipVerify: c.Insecure},
	}
}

// newClient returns a Kinesis client for the endpoint with static
// credentials and SDK retries off: every failed attempt reaches the
// workload, which counts it. The HTTP client has no timeout of its own:
// unary calls get one from their context, and event streams must outlive
// any fixed timeout.
func newClient(c Config, tr http.RoundTripper) *kinesis.Client {
	return kinesis.NewFromConfig(sdkConfig(c, tr))
}

// newFirehoseClient is newClient for Firehose.
func newFirehoseClient(c Config, tr http.RoundTripper) *firehose.Client {
	return firehose.NewFromConfig(sdkConfig(c, tr))
}

// newAnalyticsClient is newClient for Kinesis Data Analytics (v1).
func newAnalyticsClient(c Config, tr http.RoundTripper) *kinesisanalytics.Client {
	return kinesisanalytics.NewFromConfig(sdkConfig(c, tr))
}

func sdkConfig(c Config, tr http.RoundTripper) aws.Config {
	return aws.Config{
		Region:       c.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, ""),
		BaseEndpoint: aws.String(c.Endpoint),
		HTTPClient:   &http.Client{Transport: awsclient.Transport(tr)},
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// Error codes for failures that carry no AWS error code.
const (
	codeTimeout      = "Timeout"      // the call outlived -timeout
	codeRequestError = "RequestError" // the request could not be sent (refused, reset, ...)
	codeCanceled     = "Canceled"
	codeBadResponse  = "DeserializationError" // a response the SDK could not read
	codeClientError  = "ClientError"          // anything else
)

// errorCode names an error by its AWS error code, or by one of the codes
// above when the endpoint gave none.
func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() != "" {
		return api.ErrorCode()
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return codeTimeout
	}
	if errors.Is(err, context.Canceled) {
		return codeCanceled
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return codeRequestError
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return codeBadResponse
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return fmt.Sprintf("HTTP%d", re.HTTPStatusCode())
	}
	return codeClientError
}

// throttling reports whether an error code means the endpoint refused the
// work for its rate, not for its content.
func throttling(code string) bool {
	switch code {
	case "ProvisionedThroughputExceededException", "LimitExceededException", "ThrottlingException",
		"KMSThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown":
		return true
	}
	return false
}

// unsupported reports whether an error code means the endpoint lacks the
// operation.
func unsupported(code string) bool {
	switch code {
	case "UnknownOperationException", "InvalidAction", "UnsupportedOperation", "NotImplemented",
		"HTTP404", "HTTP405", "HTTP501":
		return true
	}
	return false
}
