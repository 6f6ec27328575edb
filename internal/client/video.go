package client

// `sluice video put` and `sluice video get`: Kinesis Video Streams'
// PutMedia and GetMedia from the command line, against Sluice or AWS.
// Both ask GetDataEndpoint where to go (PUT_MEDIA, GET_MEDIA), as the
// producer SDKs do, and sign with the same keys as the other commands:
// PutMedia's body is streamed, so its signature covers the headers and the
// empty body's hash, as the KVS producer SDKs and curl --aws-sigv4 sign it.

import (
	"bufio"
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
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"

	"sluice/internal/awsclient"
)

const videoUsage = `usage: sluice video put --stream NAME [flags] [FILE|-]
       sluice video get --stream NAME [--start earliest|now] > out.mkv

put streams a Matroska (MKV) file, or stdin ("-" or no FILE), into the
stream with PutMedia, one fragment per cluster, and prints each ACK line
(BUFFERING, RECEIVED, PERSISTED, ERROR, IDLE) as it arrives. Timecodes are
RELATIVE to --producer-start (default: now) unless --absolute. Exits 1 if
any ERROR ACK came back or the upload failed.

get writes GetMedia's MKV (each fragment with its header and the
AWS_KINESISVIDEO_* tags) to stdout, from the earliest fragment or from the
next one stored (now), and follows the stream until interrupted.

examples:
  ffmpeg -f lavfi -i testsrc=size=640x480:rate=25 -c:v libx264 -g 25 -bf 0 \
    -f matroska -live 1 -cluster_time_limit 100000 -cluster_size_limit 100000000 - | sluice video put --stream cam -
  sluice video get --stream cam --start earliest > cam.mkv

flags:
`

// emptySHA256 is the payload hash PutMedia is signed with.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

type videoCmd struct {
	conn
	op            string
	file          string
	absolute      bool
	producerStart string
	start         string
}

// Video runs `sluice video put|get`.
func Video(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v, err := parseVideo(args, stderr)
	if err != nil {
		return parseFailed("video", err, stderr)
	}
	if err := v.run(ctx, stdin, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "sluice video %s: %s\n", v.op, errText(err))
		return 1
	}
	return 0
}

func parseVideo(args []string, stderr io.Writer) (*videoCmd, error) {
	v := &videoCmd{}
	fs := flag.NewFlagSet("sluice video", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, videoUsage); fs.PrintDefaults() }
	v.conn.register(fs)
	fs.BoolVar(&v.absolute, "absolute", false, "put: the file's timecodes are absolute (ABSOLUTE), not relative to --producer-start")
	fs.StringVar(&v.producerStart, "producer-start", "", "put: epoch seconds the RELATIVE timecodes count from (default: now)")
	fs.StringVar(&v.start, "start", "now", "get: earliest or now")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) == 0 {
		fs.Usage()
		return nil, usagef("put or get?")
	}
	v.op, pos = pos[0], pos[1:]
	switch v.op {
	case "put":
		if len(pos) > 1 {
			return nil, usagef("put takes one FILE (or - for stdin)")
		}
		v.file = "-"
		if len(pos) == 1 {
			v.file = pos[0]
		}
	case "get":
		if len(pos) > 0 {
			return nil, usagef("get takes no arguments (it writes to stdout)")
		}
		if v.start != "earliest" && v.start != "now" {
			return nil, usagef("--start must be earliest or now")
		}
	default:
		return nil, usagef("unknown video command %q (put or get)", v.op)
	}
	if err := v.conn.check(); err != nil {
		return nil, usagef("%v", err)
	}
	if v.producerStart == "" {
		v.producerStart = fmt.Sprintf("%.3f", float64(time.Now().UnixMilli())/1000)
	}
	return v, nil
}

func (v *videoCmd) httpClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if v.insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	return &http.Client{Transport: awsclient.Transport(tr)}
}

// dataEndpoint asks GetDataEndpoint where api is served.
func (v *videoCmd) dataEndpoint(ctx context.Context, hc *http.Client, api kvtypes.APIName) (string, error) {
	cfg := aws.Config{
		Region:       v.region,
		Credentials:  credentials.NewStaticCredentialsProvider(v.accessKey, v.secretKey, v.token),
		BaseEndpoint: aws.String(v.endpoint),
		HTTPClient:   hc,
	}
	out, err := kinesisvideo.NewFromConfig(cfg).GetDataEndpoint(ctx, &kinesisvideo.GetDataEndpointInput{
		StreamName: v.streamName(), StreamARN: v.arn(), APIName: api})
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(aws.ToString(out.DataEndpoint), "/"), nil
}

func (v *videoCmd) sign(ctx context.Context, r *http.Request, payload string) error {
	creds := aws.Credentials{AccessKeyID: v.accessKey, SecretAccessKey: v.secretKey, SessionToken: v.token}
	return v4.NewSigner().SignHTTP(ctx, creds, r, payload, "kinesisvideo", v.region, time.Now())
}

func (v *videoCmd) run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	hc := v.httpClient()
	if v.op == "put" {
		return v.put(ctx, hc, stdin, stdout)
	}
	return v.get(ctx, hc, stdout)
}

func (v *videoCmd) put(ctx context.Context, hc *http.Client, stdin io.Reader, stdout io.Writer) error {
	body := stdin
	if v.file != "-" {
		f, err := os.Open(v.file)
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
	}
	ep, err := v.dataEndpoint(ctx, hc, kvtypes.APINamePutMedia)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep+"/putMedia", io.NopCloser(body))
	if err != nil {
		return err
	}
	req.ContentLength = -1 // chunked: the body ends when the input does
	if v.stream != "" {
		req.Header.Set("x-amzn-stream-name", v.stream)
	} else {
		req.Header.Set("x-amzn-stream-arn", v.streamARN)
	}
	if v.absolute {
		req.Header.Set("x-amzn-fragment-timecode-type", "ABSOLUTE")
	} else {
		req.Header.Set("x-amzn-fragment-timecode-type", "RELATIVE")
		req.Header.Set("x-amzn-producer-start-timestamp", v.producerStart)
	}
	if err := v.sign(ctx, req, emptySHA256); err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return httpError(resp)
	}
	errs := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		fmt.Fprintf(stdout, "%s\n", line)
		var ack struct{ EventType string }
		if json.Unmarshal(line, &ack) == nil && ack.EventType == "ERROR" {
			errs++
		}
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		return err
	}
	if errs > 0 {
		return fmt.Errorf("%d ERROR ACKs", errs)
	}
	return nil
}

func (v *videoCmd) get(ctx context.Context, hc *http.Client, stdout io.Writer) error {
	ep, err := v.dataEndpoint(ctx, hc, kvtypes.APINameGetMedia)
	if err != nil {
		return err
	}
	in := map[string]any{"StartSelector": map[string]string{"StartSelectorType": strings.ToUpper(v.start)}}
	if v.stream != "" {
		in["StreamName"] = v.stream
	} else {
		in["StreamARN"] = v.streamARN
	}
	b, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep+"/getMedia", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := v.sign(ctx, req, hash); err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return httpError(resp)
	}
	if _, err := io.Copy(stdout, resp.Body); err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// httpError words a REST-JSON error answer.
func httpError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e struct{ Message string }
	json.Unmarshal(b, &e)
	typ := resp.Header.Get("x-amzn-ErrorType")
	if typ == "" {
		typ = resp.Status
	}
	if e.Message == "" {
		return errors.New(typ)
	}
	return fmt.Errorf("%s: %s", typ, e.Message)
}
