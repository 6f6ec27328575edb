package videoapi

// GetClip (kinesis-video-archived-media): POST /getClip
// {StreamName|StreamARN, ClipFragmentSelector{FragmentSelectorType
// PRODUCER_TIMESTAMP|SERVER_TIMESTAMP, TimestampRange{StartTimestamp,
// EndTimestamp}}} → 200, Content-Type video/mp4, a progressive MP4 of the
// fragments whose timestamp is within the range (both ends included;
// duplicates of a producer timestamp keep the newer), in stored order,
// timed by that timestamp. As AWS: "the first 100 MB or the first 200
// fragments from the specified start timestamp" — the clip is cut there,
// not refused; it is also cut before the first fragment whose codec
// private data differs from the first one's (one MP4 has one sample
// description per track). EndTimestamp after StartTimestamp and within 24
// hours of it, else InvalidArgumentException; no fragment in the range is
// ResourceNotFoundException; a stream without retention
// NoDataRetentionException; media that cannot be packaged
// UnsupportedStreamMediaTypeException, MissingCodecPrivateDataException,
// InvalidCodecPrivateDataException, InvalidMediaFrameException. One GetClip
// at a time per stream (AWS allows 1 per second): another meanwhile is
// ClientLimitExceededException. The clip's frames are held in memory while
// its moov is written (at most the 100 MB limit).

import (
	"bytes"
	"context"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
	"sluice/internal/video/mkv"
	"sluice/internal/video/playback"
)

// AWS's GetClip limits.
const (
	clipMaxFragments = 200
	clipMaxBytes     = 100 << 20
)

var getClipInput = streamRef(shape.Req("ClipFragmentSelector", shape.Struct(
	shape.Req("FragmentSelectorType", shape.Str().OneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP")),
	shape.Req("TimestampRange", shape.Struct(
		shape.Req("StartTimestamp", shape.Time()),
		shape.Req("EndTimestamp", shape.Time()),
	).Named("ClipTimestampRange")),
).Named("ClipFragmentSelector")))

type getClipIn struct {
	StreamName           *string
	StreamARN            *string
	ClipFragmentSelector struct {
		FragmentSelectorType string
		TimestampRange       struct{ StartTimestamp, EndTimestamp time.Time }
	}
}

func getClipOp(p *playbackAPI) *awsproto.Operation {
	return awsproto.StreamOp("GetClip", getClipInput, p.getClip)
}

func (p *playbackAPI) getClip(ctx context.Context, in *getClipIn, w awsproto.ResponseStream) error {
	sel := in.ClipFragmentSelector
	r := sel.TimestampRange
	if !r.EndTimestamp.After(r.StartTimestamp) {
		return awserr.New(invalidArgument, "The EndTimestamp must be later than the StartTimestamp.")
	}
	if r.EndTimestamp.Sub(r.StartTimestamp) > 24*time.Hour {
		return awserr.New(invalidArgument, "The EndTimestamp must be within 24 hours of the StartTimestamp.")
	}
	st, fs, err := p.openForPlayback(ctx, "GetClip", ref(in.StreamName, in.StreamARN))
	if err != nil {
		return err
	}
	sess := &playback.Session{Mode: media.OnDemand, Kind: fragments.ServerTimestamp, Start: r.StartTimestamp, End: r.EndTimestamp, MaxResults: clipMaxFragments}
	if sel.FragmentSelectorType == "PRODUCER_TIMESTAMP" {
		sess.Kind = fragments.ProducerTimestamp
	}
	frags, _ := sess.Window(fs.Fragments(), p.now())
	if len(frags) == 0 {
		return awserr.New(resourceNotFound, "No fragments found in the stream %s in the requested time range.", st.Name)
	}
	if !p.startClip(st.ID) {
		return awserr.New(clientLimitExceeded, "The stream %s already has a GetClip in progress; try again when it has finished.", st.Name)
	}
	defer p.endClip(st.ID)

	var (
		first  *mkv.Header
		frames []mkv.Frame
		size   int64
		end    int64
	)
	for i, f := range frags {
		if size+f.Size > clipMaxBytes && i > 0 {
			break
		}
		lf, err := playback.Load(fs, f, sess.Kind)
		if err != nil {
			if i == 0 {
				return playbackStoreError(err)
			}
			p.log.Warn("GetClip: fragment skipped", "stream", st.Name, "fragment", f.Number(), "err", err)
			continue
		}
		if first == nil {
			first = lf.Header
		} else if !sameCodecs(first, lf.Header) {
			break
		}
		frames = append(frames, lf.Frames...)
		size += f.Size
		end = lf.Segment(fs, f, sess.Kind).End
	}
	ms, err := media.NewStream(first)
	if err != nil {
		return playbackStoreError(err)
	}
	w.Header().Set("Content-Type", media.ClipContentType)
	w.WriteHeader(200)
	if err := ms.WriteClip(w, media.Segment{Sequence: 1, Frames: frames, End: end}); err != nil {
		p.log.Debug("GetClip ended early", "stream", st.Name, "err", err)
	}
	return nil
}

// sameCodecs tells whether two headers declare the same tracks with the
// same codec private data.
func sameCodecs(a, b *mkv.Header) bool {
	if len(a.Tracks) != len(b.Tracks) || a.TimecodeScale != b.TimecodeScale {
		return false
	}
	for i := range a.Tracks {
		ta, tb := &a.Tracks[i], &b.Tracks[i]
		if ta.Number != tb.Number || ta.CodecID != tb.CodecID || !bytes.Equal(ta.CodecPrivate, tb.CodecPrivate) {
			return false
		}
	}
	return true
}

func (p *playbackAPI) startClip(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.clips[id] {
		return false
	}
	p.clips[id] = true
	return true
}

func (p *playbackAPI) endClip(id string) {
	p.mu.Lock()
	delete(p.clips, id)
	p.mu.Unlock()
}
