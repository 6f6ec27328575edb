package videoapi

// GetImages (kinesis-video-archived-media): POST /getImages
// {StreamName|StreamARN, ImageSelectorType PRODUCER_TIMESTAMP|
// SERVER_TIMESTAMP, StartTimestamp, EndTimestamp, SamplingInterval (ms),
// Format JPEG|PNG, FormatConfig{JPEGQuality: "1".."100"} (80),
// WidthPixels 1..3840, HeightPixels 1..2160, MaxResults 1..100, NextToken}
// → {Images: [{TimeStamp, Error?: NO_MEDIA|MEDIA_ERROR, ImageContent?:
// base64}], NextToken?}.
//
// One image per sample: StartTimestamp, then every SamplingInterval up to
// EndTimestamp (both included; a range shorter than the interval gives the
// one at StartTimestamp). For each, the fragment whose span holds it (by
// the selected timestamp), and in it the video key frame nearest the sample,
// decoded by ffmpeg (package playback: the only decoding in Sluice) and
// encoded as asked; consecutive samples on the same key frame share one
// decoding. No fragment there: Error NO_MEDIA; no key frame, or ffmpeg
// failing on it: MEDIA_ERROR. Sizes: both WidthPixels and HeightPixels
// stretch to that size; one alone keeps the aspect ratio (AWS's reference
// says so for HeightPixels alone and both ways for WidthPixels alone: Sluice
// keeps the ratio); neither keeps the stream's size.
//
// Limits as AWS states them: EndTimestamp not before StartTimestamp and at
// most 300 s after it, SamplingInterval at least 200 ms (3,000 when absent,
// the minimum of AWS's first reference), a page is at most 25 images
// whatever MaxResults says (AWS: "Providing a MaxResults greater than this
// value will result in a page size of 25"); NextToken resumes the same
// request's samples. Broken, they are InvalidArgumentException. Without
// ffmpeg on the server's PATH the call fails with NotImplementedException
// (501, not retried) whose message says to install ffmpeg: no error of
// AWS's model describes a server that cannot decode.

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"strconv"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/video/fragments"
	"sluice/internal/video/mkv"
	"sluice/internal/video/playback"
)

const (
	imagesMaxRange        = 300 * time.Second
	imagesMinInterval     = 200
	imagesDefaultInterval = 3000
	imagesPage            = 25
	// imagesLookBack: a fragment lasts at most 10 s, so one holding the
	// start began at most this long before it.
	imagesLookBack = 10 * time.Second
)

var getImagesInput = streamRef(
	shape.Req("ImageSelectorType", shape.Str().OneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP")),
	shape.Req("StartTimestamp", shape.Time()),
	shape.Req("EndTimestamp", shape.Time()),
	shape.Opt("SamplingInterval", shape.Int()),
	shape.Req("Format", shape.Str().OneOf(playback.JPEG, playback.PNG)),
	shape.Opt("FormatConfig", shape.MapOf(shape.Str().OneOf("JPEGQuality"), shape.Str().Len(0, 256).Match(`^[a-zA-Z_0-9]+`)).Len(1, 1)),
	shape.Opt("WidthPixels", shape.Int().Range(1, 3840)),
	shape.Opt("HeightPixels", shape.Int().Range(1, 2160)),
	shape.Opt("MaxResults", shape.Lng().Range(1, 100)),
	shape.Opt("NextToken", shape.Str().Len(1, 4096).Match(`[a-zA-Z0-9+/]+={0,2}`)),
)

type getImagesIn struct {
	StreamName        *string
	StreamARN         *string
	ImageSelectorType string
	StartTimestamp    time.Time
	EndTimestamp      time.Time
	SamplingInterval  *int32
	Format            string
	FormatConfig      map[string]string
	WidthPixels       *int32
	HeightPixels      *int32
	MaxResults        *int64
	NextToken         *string
}

type imageOut struct {
	TimeStamp    *awsproto.Timestamp
	Error        string `json:",omitempty"`
	ImageContent string `json:",omitempty"`
}

type getImagesOut struct {
	Images    []imageOut
	NextToken string `json:",omitempty"`
}

func getImagesOp(p *playbackAPI) *awsproto.Operation {
	return awsproto.Op("GetImages", getImagesInput, p.getImages)
}

func (p *playbackAPI) getImages(ctx context.Context, in *getImagesIn) (*getImagesOut, error) {
	start, end := in.StartTimestamp, in.EndTimestamp
	if end.Before(start) {
		return nil, awserr.New(invalidArgument, "The EndTimestamp must not be before the StartTimestamp.")
	}
	if end.Sub(start) > imagesMaxRange {
		return nil, awserr.New(invalidArgument, "The EndTimestamp must be at most 300 seconds after the StartTimestamp.")
	}
	interval := int64(imagesDefaultInterval)
	if in.SamplingInterval != nil {
		interval = int64(*in.SamplingInterval)
	}
	if interval < imagesMinInterval {
		return nil, awserr.New(invalidArgument, "The SamplingInterval must be at least %d milliseconds.", imagesMinInterval)
	}
	o := playback.ImageOptions{Format: in.Format}
	if q, ok := in.FormatConfig["JPEGQuality"]; ok {
		if in.Format != "JPEG" {
			return nil, awserr.New(invalidArgument, "JPEGQuality applies to the JPEG format only.")
		}
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 100 {
			return nil, awserr.New(invalidArgument, "The JPEGQuality of FormatConfig must be an integer from 1 to 100.")
		}
		o.Quality = n
	}
	if in.WidthPixels != nil {
		o.Width = int(*in.WidthPixels)
	}
	if in.HeightPixels != nil {
		o.Height = int(*in.HeightPixels)
	}
	page := imagesPage
	if in.MaxResults != nil && *in.MaxResults < imagesPage {
		page = int(*in.MaxResults)
	}
	st, fs, err := p.openForPlayback(ctx, "GetImages", ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, err
	}
	if err := p.images.Available(); err != nil {
		return nil, awserr.New(imagesUnavailable, "%s", err.Error())
	}
	step := time.Duration(interval) * time.Millisecond
	samples := int64(end.Sub(start)/step) + 1
	fp := imagesFingerprint(st.ID, in, interval)
	first := int64(0)
	if in.NextToken != nil {
		k, ok := parseImagesToken(*in.NextToken, fp)
		if !ok || k >= samples {
			return nil, awserr.New(invalidArgument, "The NextToken is not valid for this request.")
		}
		first = k
	}
	kind := fragments.ServerTimestamp
	if in.ImageSelectorType == "PRODUCER_TIMESTAMP" {
		kind = fragments.ProducerTimestamp
	}
	cands := fs.Select(kind, start.Add(-imagesLookBack), end)
	sess := &playback.Session{Kind: kind}

	out := &getImagesOut{Images: []imageOut{}}
	last := min(samples, first+int64(page))
	var (
		loaded    *playback.Fragment
		loadedPos uint64
		loadErr   error
		cacheKey  [2]int64 // fragment position, frame index
		cacheImg  []byte
		cacheErr  error
		haveCache bool
	)
	for k := first; k < last; k++ {
		t := start.Add(time.Duration(k) * step)
		img := imageOut{TimeStamp: awsproto.TimeOf(t)}
		f, ok := fragmentAt(sess, cands, t)
		if !ok {
			img.Error = "NO_MEDIA"
			out.Images = append(out.Images, img)
			continue
		}
		if loaded == nil || loadedPos != f.Pos {
			loaded, loadErr = playback.Load(fs, f, kind)
			loadedPos = f.Pos
			if loaded == nil {
				loaded = &playback.Fragment{}
			}
		}
		idx := -1
		if loadErr == nil {
			idx = nearestKeyFrame(loaded, t)
		}
		if idx < 0 {
			img.Error = "MEDIA_ERROR"
			out.Images = append(out.Images, img)
			continue
		}
		key := [2]int64{int64(f.Pos), int64(idx)}
		if !haveCache || cacheKey != key {
			cacheImg, cacheErr = p.images.Decode(ctx, loaded.Header, loaded.Frames[idx], o)
			cacheKey, haveCache = key, true
			if cacheErr != nil {
				if errors.Is(cacheErr, playback.ErrNoFFmpeg) {
					return nil, awserr.New(imagesUnavailable, "%s", cacheErr.Error())
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				p.log.Warn("GetImages: decoding failed", "stream", st.Name, "fragment", f.Number(), "err", cacheErr)
			}
		}
		if cacheErr != nil {
			img.Error = "MEDIA_ERROR"
		} else {
			img.ImageContent = base64.StdEncoding.EncodeToString(cacheImg)
		}
		out.Images = append(out.Images, img)
	}
	if last < samples {
		out.NextToken = imagesToken(last, fp)
	}
	return out, nil
}

// fragmentAt returns the fragment whose span [timestamp, timestamp +
// duration) holds t, the newest stored if several do.
func fragmentAt(sess *playback.Session, cands []fragments.Fragment, t time.Time) (fragments.Fragment, bool) {
	for i := len(cands) - 1; i >= 0; i-- {
		f := &cands[i]
		ts := sess.Timestamp(f)
		if !t.Before(ts) && t.Before(ts.Add(time.Duration(max(f.DurationMillis, 1))*time.Millisecond)) {
			return *f, true
		}
	}
	return fragments.Fragment{}, false
}

// nearestKeyFrame returns the index of the video key frame of lf nearest
// t, or -1.
func nearestKeyFrame(lf *playback.Fragment, t time.Time) int {
	var video uint64
	for _, tr := range lf.Header.Tracks {
		if tr.Type == mkv.TrackVideo {
			video = tr.Number
			break
		}
	}
	at := playback.Ticks(t, lf.Header.TimecodeScale)
	best, bestDist := -1, int64(0)
	for i, fr := range lf.Frames {
		if fr.Track != video || !fr.Key {
			continue
		}
		d := fr.Timecode - at
		if d < 0 {
			d = -d
		}
		if best < 0 || d < bestDist {
			best, bestDist = i, d
		}
	}
	return best
}

// imagesFingerprint binds a NextToken to the request it continues.
func imagesFingerprint(streamID string, in *getImagesIn, interval int64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(streamID))
	h.Write([]byte(in.ImageSelectorType))
	var b []byte
	b = binary.AppendVarint(b, in.StartTimestamp.UnixMilli())
	b = binary.AppendVarint(b, in.EndTimestamp.UnixMilli())
	b = binary.AppendVarint(b, interval)
	h.Write(b)
	return h.Sum64()
}

// A GetImages NextToken is base64 of: version 1, uvarint the next sample's
// index, 8 bytes the request's fingerprint.
func imagesToken(k int64, fp uint64) string {
	b := binary.AppendUvarint([]byte{1}, uint64(k))
	b = binary.BigEndian.AppendUint64(b, fp)
	return base64.StdEncoding.EncodeToString(b)
}

func parseImagesToken(tok string, fp uint64) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(b) < 1 || b[0] != 1 {
		return 0, false
	}
	k, n := binary.Uvarint(b[1:])
	if n <= 0 || len(b) != 1+n+8 || binary.BigEndian.Uint64(b[1+n:]) != fp || k > 1<<40 {
		return 0, false
	}
	return int64(k), true
}
