package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"

	"sluice/internal/awsclient"
)

// The Kinesis Video Streams workloads. Each creates its video streams (24
// hours' retention, so that fragments get PERSISTED ACKs), asks
// GetDataEndpoint where PutMedia is served, as producers do, and deletes
// the streams at the end (unless -keep). The media are synthetic
// (video_media.go): -bitrate of H.264-like frames at -fps, one cluster of
// -fragment per fragment, a key frame leading it.
//
//	video-put    -concurrency producers (default 50), -stream-producers
//	             of them per stream (default 1: a stream each), each one
//	             PutMedia session sending at a real-time pace: a
//	             fragment's frames are written when the camera would have
//	             them (frame k of fragment i at the producer's start +
//	             i*fragment + k/fps; producers' starts spread over one
//	             fragment). Per fragment whose start is in the measured
//	             window: last byte written -> PERSISTED ACK read (the
//	             headline latency: the time the server takes to make a
//	             whole fragment durable and say so), BUFFERING ->
//	             PERSISTED (the fragment's duration plus that), ERROR ACKs
//	             by ErrorCode, fragments never acknowledged (NoAck), and
//	             how late the pacing wrote (a client or a server that
//	             cannot keep up makes writes late)
//	video-live   video-put with one GetMedia reader per stream from NOW,
//	             started before the producers: PERSISTED ACK read by the
//	             producer -> the fragment's chunk (header, tags, cluster,
//	             tags) wholly read by the reader, both on this client's clock;
//	             a chunk read before its ACK counts as 0 (BeforeAck)
//	video-store  one producer stores -video-hours of video as fast as the
//	             server takes it (ABSOLUTE timecodes from -video-hours
//	             ago, so the producer timestamps cover the hours), while
//	             -concurrency readers (default 2) fetch from the range
//	             stored so far: even ones HLS ON_DEMAND sessions over 10
//	             random minutes (master and media playlists, the fMP4 init
//	             and 3 random media segments each), odd ones GetClip of
//	             -clip at a random place; with -server-pid the server's RSS
//	             over the store says whether memory grows with what is
//	             stored (it must not)
//
// Byte counts are the fragments' Cluster elements (frames and Matroska
// framing). The server's CPU (-server-pid) is per 1,000 fragments and per
// MiB stored.

// videoRetentionHours is the video streams' DataRetentionInHours.
const videoRetentionHours = 24

// emptyPayloadHash is the SHA-256 of "": PutMedia is signed as if its
// streamed body were empty, as the KVS producer SDKs sign it.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Video is the video workloads' account (video.go has the definitions).
type Video struct {
	Streams            int     `json:"streams"`
	ProducersPerStream int     `json:"producers_per_stream"`
	Producers          int     `json:"producers"`
	BitrateBps         float64 `json:"bitrate_bps"`
	FragmentSeconds    float64 `json:"fragment_seconds"`
	FPS                int     `json:"fps"`
	KeyFrameBytes      int     `json:"key_frame_bytes"`
	FrameBytes         int     `json:"frame_bytes"`

	// Of the fragments started in the measured window.
	Fragments            int64   `json:"fragments"`      // PERSISTED
	Unacknowledged       int64   `json:"unacknowledged"` // neither PERSISTED nor ERROR at the end
	BufferingToPersisted Latency `json:"buffering_to_persisted_ms"`
	LateWrites           int64   `json:"late_writes"`      // written more than a frame after due
	MaxWriteLagMs        float64 `json:"max_write_lag_ms"` // the latest write, after its due time
	MbitPerSec           float64 `json:"mbit_per_sec"`
	ServerCPUPerMiB      float64 `json:"server_cpu_seconds_per_mib,omitempty"`

	// video-live.
	Live          *Latency `json:"live_ms,omitempty"` // PERSISTED -> chunk read
	LiveAcked     int64    `json:"live_acked,omitempty"`
	LiveReceived  int64    `json:"live_received,omitempty"`
	LiveMissing   int64    `json:"live_missing,omitempty"`
	LiveBeforeAck int64    `json:"live_before_ack,omitempty"`

	// video-store.
	HoursStored   float64 `json:"hours_stored,omitempty"`
	StoreSeconds  float64 `json:"store_seconds,omitempty"`
	Speedup       float64 `json:"speedup,omitempty"` // seconds of video stored per second
	HLSSessions   int64   `json:"hls_sessions,omitempty"`
	HLSPlaylists  int64   `json:"hls_playlists,omitempty"`
	ClipSeconds   float64 `json:"clip_seconds,omitempty"`
	ClipFragments float64 `json:"clip_fragments_mean,omitempty"`
}

// videoStream is a video stream the run created.
type videoStream struct {
	name, arn string
	endpoint  string // PutMedia's and GetMedia's, from GetDataEndpoint
}

// videoRun is what a video workload works with.
type videoRun struct {
	kv      *kinesisvideo.Client
	hc      *http.Client // PutMedia, GetMedia and playback GETs
	streams []*videoStream
	rep     *Video
}

func (r *run) newVideoRun() *videoRun {
	return &videoRun{
		kv: kinesisvideo.NewFromConfig(sdkConfig(r.cfg, r.tr)),
		hc: &http.Client{Transport: awsclient.Transport(r.tr)},
	}
}

// createVideoStreams creates n video streams, waits until they are ACTIVE
// and asks GetDataEndpoint for their PutMedia endpoint.
func (r *run) createVideoStreams(ctx context.Context, v *videoRun, n int) error {
	names := r.names(n)
	r.logf("creating %d video stream(s) %s…", n, names[0])
	v.streams = make([]*videoStream, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var mu sync.Mutex
	for i, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s := &videoStream{name: name}
			err := r.retry(ctx, "CreateStream "+name, func(ctx context.Context) error {
				out, err := v.kv.CreateStream(ctx, &kinesisvideo.CreateStreamInput{StreamName: aws.String(name),
					DataRetentionInHours: aws.Int32(videoRetentionHours), MediaType: aws.String("video/h264")})
				if err == nil {
					s.arn = aws.ToString(out.StreamARN)
				}
				return err
			})
			if err != nil {
				if unsupported(errorCode(err)) {
					err = fmt.Errorf("%w: the %s workload needs Kinesis Video Streams: %v", errUnsupported, r.cfg.Workload, err)
				}
				errs[i] = err
				return
			}
			mu.Lock()
			v.streams[i] = s
			mu.Unlock()
			errs[i] = r.videoReady(ctx, v, s)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// videoReady waits for the stream to be ACTIVE and gets its endpoint.
func (r *run) videoReady(ctx context.Context, v *videoRun, s *videoStream) error {
	wait := 20 * time.Millisecond
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var status kvtypes.Status
		err := r.retry(ctx, "DescribeStream "+s.name, func(ctx context.Context) error {
			out, err := v.kv.DescribeStream(ctx, &kinesisvideo.DescribeStreamInput{StreamARN: aws.String(s.arn)})
			if err == nil {
				status = out.StreamInfo.Status
			}
			return err
		})
		if err != nil {
			return err
		}
		if status == kvtypes.StatusActive {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("video stream %s still %s after 5 minutes", s.name, status)
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, time.Second)
	}
	return r.retry(ctx, "GetDataEndpoint "+s.name, func(ctx context.Context) error {
		out, err := v.kv.GetDataEndpoint(ctx, &kinesisvideo.GetDataEndpointInput{StreamARN: aws.String(s.arn), APIName: kvtypes.APINamePutMedia})
		if err == nil {
			s.endpoint = strings.TrimSuffix(aws.ToString(out.DataEndpoint), "/")
		}
		return err
	})
}

// deleteVideoStreams deletes the run's video streams, unless -keep. It
// runs after an interrupt too, so it does not use the run's context.
func (r *run) deleteVideoStreams(ctx context.Context, v *videoRun) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	for _, s := range v.streams {
		if s == nil {
			continue
		}
		if r.cfg.Keep {
			r.logf("keeping video stream %s", s.name)
			continue
		}
		if err := r.retry(ctx, "DeleteStream "+s.name, func(ctx context.Context) error {
			_, err := v.kv.DeleteStream(ctx, &kinesisvideo.DeleteStreamInput{StreamARN: aws.String(s.arn)})
			return err
		}); err != nil {
			r.logf("%v", err)
		}
	}
}

// signVideo signs a data-plane request (service kinesisvideo) for the
// payload hash.
func (r *run) signVideo(ctx context.Context, req *http.Request, payloadHash string) error {
	creds := aws.Credentials{AccessKeyID: r.cfg.AccessKey, SecretAccessKey: r.cfg.SecretKey}
	return v4.NewSigner().SignHTTP(ctx, creds, req, payloadHash, "kinesisvideo", r.cfg.Region, time.Now())
}

// finishVideo fills in what the report derives from the headline phase.
func (v *Video) finish(p Phase) {
	v.Fragments = p.Records
	if p.Seconds > 0 {
		v.MbitPerSec = round(float64(p.Bytes)*8/p.Seconds/1e6, 3)
	}
	if p.CPU != nil && p.CPU.ServerPID > 0 && p.Bytes > 0 {
		v.ServerCPUPerMiB = round(p.CPU.ServerSeconds/(float64(p.Bytes)/(1<<20)), 5)
	}
}
