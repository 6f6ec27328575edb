package videoapi

// PutMedia: POST /putMedia with an endless MKV body, answered with ACK
// lines while the upload runs (full duplex).
//
// Headers: x-amzn-stream-name or x-amzn-stream-arn (exactly one),
// x-amzn-fragment-timecode-type ABSOLUTE|RELATIVE,
// x-amzn-producer-start-timestamp (epoch seconds, optional fraction;
// required for RELATIVE). A broken header is InvalidArgumentException, an
// unknown or not ACTIVE stream ResourceNotFoundException (404), both
// before the 200. Then one JSON object per line, flushed as it is made:
//
//	{"EventType":"BUFFERING","FragmentTimecode":0,"FragmentNumber":"9…"}
//	{"EventType":"RECEIVED","FragmentTimecode":0,"FragmentNumber":"9…"}
//	{"EventType":"PERSISTED","FragmentTimecode":0,"FragmentNumber":"9…"}
//	{"EventType":"ERROR","FragmentTimecode":0,"FragmentNumber":"9…","ErrorId":4004,"ErrorCode":"FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"}
//	{"EventType":"IDLE"}
//
// (fragments.Stream.Ingest says which errors end the session.)
//
// Limits (--limits on, the default; off lifts them), AWS's: 5 PutMedia
// calls a second per stream, past which ClientLimitExceededException
// (before the 200); a stream's fragments are read at most 5 a second and
// its bytes 12.5 MB a second, all its connections together (AWS documents
// no ACK for these: a faster producer is read slower); a connection open
// longer than 45 minutes (fragments.Config.MaxConnection) gets ERROR 4003
// MAX_CONNECTION_DURATION_REACHED and ends.
//
// Signatures: a streamed body cannot be hashed before ACKs must flow, so
// the KVS producer SDKs sign PutMedia as if its body were empty: the
// embedded C producer (aws-samples/amazon-kinesis-video-streams-producer-embedded-c,
// restapi_kvs.c) signs the SHA-256 of "" and sends no
// X-Amz-Content-Sha256, and curl --aws-sigv4 does the same for an upload
// (-T). Under --auth sigv4, putMedia's signature is checked with exactly
// that payload hash, before the body is read; an X-Amz-Content-Sha256
// header, if sent, must be that hash (UNSIGNED-PAYLOAD stays refused, as
// everywhere in Sluice). Only this route accepts a signature that does not
// cover the body.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
)

// emptySHA256 is the hex SHA-256 of the empty string: the payload hash a
// PutMedia signature carries.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

var startTimestamp = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,9})?$`)

// ackLine is an ACK's JSON, its members in AWS's order.
type ackLine struct {
	EventType        string
	FragmentTimecode *int64 `json:",omitempty"`
	FragmentNumber   string `json:",omitempty"`
	ErrorId          int    `json:",omitempty"`
	ErrorCode        string `json:",omitempty"`
}

func (d *dataPlane) putMedia(ctx context.Context, w http.ResponseWriter, r *http.Request, verify func(string) error) error {
	if r.Method != http.MethodPost {
		return awserr.New(invalidArgument, "PutMedia is POST /putMedia.")
	}
	if verify != nil {
		if err := verify(emptySHA256); err != nil {
			return err
		}
	}
	name, arn := r.Header.Get("x-amzn-stream-name"), r.Header.Get("x-amzn-stream-arn")
	if (name == "") == (arn == "") {
		return awserr.New(invalidArgument, "Exactly one of the x-amzn-stream-name and x-amzn-stream-arn headers must be specified.")
	}
	relative, ok := fragments.ParseTimecodeType(r.Header.Get("x-amzn-fragment-timecode-type"))
	if !ok {
		return awserr.New(invalidArgument, "The x-amzn-fragment-timecode-type header must be ABSOLUTE or RELATIVE.")
	}
	var start time.Time
	if v := r.Header.Get("x-amzn-producer-start-timestamp"); v != "" {
		t, ok := parseEpochSeconds(v)
		if !ok {
			return awserr.New(invalidArgument, "The x-amzn-producer-start-timestamp header must be epoch seconds, such as 1700000000.123.")
		}
		start = t
	} else if relative {
		return awserr.New(invalidArgument, "The x-amzn-producer-start-timestamp header is required with RELATIVE fragment timecodes.")
	}
	fs, err := d.open(ctx, "PutMedia", video.Ref{Name: name, ARN: arn})
	if err != nil {
		return err
	}

	rc := http.NewResponseController(w)
	rc.EnableFullDuplex() // HTTP/2 always is; HTTP/1 needs it to answer while the body arrives
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	rc.Flush()

	var mu sync.Mutex // the handler's writer and Interrupt, after the handler returns
	done := false
	interrupt := func() {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			rc.SetReadDeadline(time.Now())
		}
	}
	ack := func(a fragments.Ack) error {
		line := ackLine{EventType: a.EventType, FragmentNumber: a.FragmentNumber, ErrorId: int(a.ErrorID), ErrorCode: a.ErrorCode}
		if a.HasTimecode {
			tc := a.FragmentTimecode
			line.FragmentTimecode = &tc
		}
		b, _ := json.Marshal(line)
		b = append(b, '\n')
		mu.Lock()
		defer mu.Unlock()
		if done {
			return fragments.ErrClosed
		}
		rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := w.Write(b); err != nil {
			return err
		}
		return rc.Flush()
	}
	err = fs.Ingest(ctx, r.Body, fragments.IngestParams{Relative: relative, ProducerStart: start, Interrupt: interrupt}, ack)
	mu.Lock()
	done = true
	mu.Unlock()
	if err != nil && ctx.Err() == nil {
		// The session ended on an error its ERROR ACK told: take in what the
		// producer is still sending for a moment, so that an HTTP/1 client
		// reads the answer rather than a reset while it writes.
		rc.SetReadDeadline(time.Now().Add(time.Second))
		io.CopyN(io.Discard, r.Body, drainBytes)
	}
	return nil
}

// drainBytes bounds what is read and dropped after a session's error.
const drainBytes = 4 << 20

// parseEpochSeconds reads epoch seconds with an optional fraction, to the
// millisecond.
func parseEpochSeconds(v string) (time.Time, bool) {
	if !startTimestamp.MatchString(v) {
		return time.Time{}, false
	}
	sec, frac, _ := strings.Cut(v, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	ms := int64(0)
	if frac != "" {
		frac = (frac + "00")[:3]
		ms, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.UnixMilli(s*1000 + ms), true
}
