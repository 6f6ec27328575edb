package client

// `sluice firehose logs`: a delivery stream's error log, as Firehose writes
// it when CloudWatchLoggingOptions are enabled, read through the CloudWatch
// Logs API (GetLogEvents for one log stream, FilterLogEvents for a whole
// group), so it reads Sluice's logs and AWS's alike. The requests are AWS
// JSON 1.1, signed for the service "logs" with the same keys as the other
// commands; no CloudWatch Logs SDK is needed for two read calls.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/awsclient"
)

const firehoseUsage = `usage: sluice firehose logs --log-group GROUP [--log-stream STREAM] [--follow] [flags]

logs prints a delivery stream's delivery errors from the log group and log
stream of its CloudWatchLoggingOptions (in Sluice, kept under the data
directory's logs/; in AWS, CloudWatch Logs), oldest first, one line each:

  2025-01-02T03:04:05.678Z DestinationDelivery S3.NoSuchBucket The specified bucket does not exist. …

With --log-stream it reads that log stream (GetLogEvents); without, every
log stream of the group, interleaved by time (FilterLogEvents). --follow
keeps reading new errors every --poll until interrupted. --format json
prints each event as {"timestamp":…,"logStream":…,"message":…}, the message
as Firehose wrote it.

examples:
  sluice firehose logs --log-group /aws/kinesisfirehose/orders --log-stream DestinationDelivery
  sluice firehose logs --log-group /aws/kinesisfirehose/orders --since 1h --follow

flags:
`

type firehoseLogsCmd struct {
	conn
	group, stream string
	follow        bool
	since         time.Duration
	poll          time.Duration
	format        string
	hc            *http.Client
}

// Firehose runs `sluice firehose logs`.
func Firehose(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c, err := parseFirehose(args, stderr)
	if err != nil {
		return parseFailed("firehose", err, stderr)
	}
	if err := c.run(ctx, stdout); err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "sluice firehose logs: %v\n", err)
		return 1
	}
	return 0
}

func parseFirehose(args []string, stderr io.Writer) (*firehoseLogsCmd, error) {
	c := &firehoseLogsCmd{}
	fs := flag.NewFlagSet("sluice firehose", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, firehoseUsage); fs.PrintDefaults() }
	c.conn.registerEndpoint(fs)
	fs.StringVar(&c.group, "log-group", "", "log group name (CloudWatchLoggingOptions.LogGroupName)")
	fs.StringVar(&c.stream, "log-stream", "", "log stream name (CloudWatchLoggingOptions.LogStreamName); default: every stream of the group")
	fs.BoolVar(&c.follow, "follow", false, "keep printing new errors until interrupted")
	fs.DurationVar(&c.since, "since", 0, "only errors of the last DURATION (e.g. 10m, 24h); default: all")
	fs.DurationVar(&c.poll, "poll", time.Second, "how often --follow asks for new errors")
	fs.StringVar(&c.format, "format", "text", "text or json")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	switch {
	case len(pos) == 0:
		fs.Usage()
		return nil, usagef("logs?")
	case pos[0] != "logs":
		return nil, usagef("unknown firehose command %q (logs)", pos[0])
	case len(pos) > 1:
		return nil, usagef("logs takes no arguments")
	case c.group == "":
		return nil, usagef("--log-group is required")
	case c.format != "text" && c.format != "json":
		return nil, usagef("--format must be text or json")
	case c.poll <= 0 || c.since < 0:
		return nil, usagef("--poll must be positive and --since not negative")
	}
	if err := c.conn.checkEndpoint(); err != nil {
		return nil, usagef("%v", err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 30 * time.Second
	if c.insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	c.hc = &http.Client{Transport: awsclient.Transport(tr)}
	return c, nil
}

// logEvent is an event of either answer.
type logEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	EventID       string `json:"eventId"`
}

func (c *firehoseLogsCmd) run(ctx context.Context, stdout io.Writer) error {
	var start *int64
	if c.since > 0 {
		ms := time.Now().Add(-c.since).UnixMilli()
		start = &ms
	}
	if c.stream != "" {
		return c.tailStream(ctx, stdout, start)
	}
	return c.tailGroup(ctx, stdout, start)
}

// tailStream pages GetLogEvents forward from the stream's start (or
// --since) until the token stops moving, then, with --follow, polls.
func (c *firehoseLogsCmd) tailStream(ctx context.Context, stdout io.Writer, start *int64) error {
	in := map[string]any{"logGroupName": c.group, "logStreamName": c.stream, "startFromHead": true}
	if start != nil {
		in["startTime"] = *start
	}
	for {
		var out struct {
			Events           []logEvent `json:"events"`
			NextForwardToken string     `json:"nextForwardToken"`
		}
		if err := c.call(ctx, "GetLogEvents", in, &out); err != nil {
			return err
		}
		for _, e := range out.Events {
			e.LogStreamName = c.stream
			c.print(stdout, e)
		}
		same := in["nextToken"] == out.NextForwardToken
		in["nextToken"] = out.NextForwardToken
		if same || out.NextForwardToken == "" {
			if !c.follow || !sleepUntil(ctx, time.Now().Add(c.poll)) {
				return nil
			}
		}
	}
}

// tailGroup pages FilterLogEvents; with --follow it asks again from the
// last timestamp seen (less a margin for errors logged late), skipping the
// eventIds already printed.
func (c *firehoseLogsCmd) tailGroup(ctx context.Context, stdout io.Writer, start *int64) error {
	const margin = 10 * time.Second
	seen := map[string]int64{} // eventId -> timestamp, for events within the margin
	var last int64
	for {
		in := map[string]any{"logGroupName": c.group}
		if start != nil {
			in["startTime"] = *start
		}
		for {
			var out struct {
				Events    []logEvent `json:"events"`
				NextToken string     `json:"nextToken"`
			}
			if err := c.call(ctx, "FilterLogEvents", in, &out); err != nil {
				return err
			}
			for _, e := range out.Events {
				if _, ok := seen[e.EventID]; ok {
					continue
				}
				seen[e.EventID] = e.Timestamp
				last = max(last, e.Timestamp)
				c.print(stdout, e)
			}
			if out.NextToken == "" {
				break
			}
			in["nextToken"] = out.NextToken
		}
		if !c.follow || !sleepUntil(ctx, time.Now().Add(c.poll)) {
			return nil
		}
		from := max(last-margin.Milliseconds(), 0)
		if start == nil || from > *start {
			start = &from
		}
		for id, ts := range seen {
			if ts < from {
				delete(seen, id)
			}
		}
	}
}

// print writes one event: in text, the time, the log stream and, when the
// message is Firehose's error JSON, its error code and message.
func (c *firehoseLogsCmd) print(w io.Writer, e logEvent) {
	if c.format == "json" {
		b, _ := json.Marshal(struct {
			Timestamp int64  `json:"timestamp"`
			LogStream string `json:"logStream"`
			Message   string `json:"message"`
		}{e.Timestamp, e.LogStreamName, e.Message})
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	text := e.Message
	var fe struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
	}
	if json.Unmarshal([]byte(e.Message), &fe) == nil && fe.ErrorCode != "" {
		text = fe.ErrorCode + " " + fe.Message
	}
	text = strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(text)
	fmt.Fprintf(w, "%s %s %s\n", time.UnixMilli(e.Timestamp).UTC().Format("2006-01-02T15:04:05.000Z"), e.LogStreamName, text)
}

// apiError is an AWS JSON error answer.
type apiError struct {
	Type, Message string
	Status        int
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

// call makes one signed CloudWatch Logs call; throttling and 5xx answers
// and broken connections are tried again, 5 attempts in all.
func (c *firehoseLogsCmd) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	wait := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := c.try(ctx, op, body, hex.EncodeToString(sum[:]), out)
		var ae *apiError
		retry := err != nil && (!errors.As(err, &ae) || ae.Status >= 500 || ae.Type == "ThrottlingException")
		if !retry || attempt == 5 {
			return err
		}
		if !sleepUntil(ctx, time.Now().Add(wait)) {
			return ctx.Err()
		}
		wait *= 2
	}
}

func (c *firehoseLogsCmd) try(ctx context.Context, op string, body []byte, hash string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Logs_20140328."+op)
	creds := aws.Credentials{AccessKeyID: c.accessKey, SecretAccessKey: c.secretKey, SessionToken: c.token}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, "logs", c.region, time.Now()); err != nil {
		return err
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Upper   string `json:"Message"`
		}
		json.Unmarshal(b, &e)
		if i := strings.LastIndexByte(e.Type, '#'); i >= 0 {
			e.Type = e.Type[i+1:] // AWS's "com.amazonaws...#ResourceNotFoundException"
		}
		if e.Type == "" {
			return fmt.Errorf("%s: HTTP %d", op, res.StatusCode)
		}
		if e.Message == "" {
			e.Message = e.Upper
		}
		return &apiError{Type: e.Type, Message: e.Message, Status: res.StatusCode}
	}
	return json.Unmarshal(b, out)
}
