package videoapi

// GetMedia (kinesis-video-media): POST /getMedia {StreamName|StreamARN,
// StartSelector}, answered 200 with Content-Type video/webm and a body of
// MKV chunks laid out as AWS's — the fragment's PutMedia header, Tags
// (AWS_KINESISVIDEO_FRAGMENT_NUMBER, _SERVER_TIMESTAMP, _PRODUCER_TIMESTAMP
// as epoch seconds with three decimals), its Cluster, and Tags
// (_MILLIS_BEHIND_NOW: how far the chunk is behind the latest fragment
// stored, _CONTINUATION_TOKEN: resumes with the next chunk) — from the
// selected fragment on, then live as
// fragments arrive, until the client leaves, the stream is deleted or the
// server stops.
//
// StartSelector: EARLIEST the oldest live fragment; NOW the next fragment
// stored; FRAGMENT_NUMBER (AfterFragmentNumber) the first fragment with a
// greater number (one expired is fine: reading starts with what is left);
// SERVER_TIMESTAMP, PRODUCER_TIMESTAMP (StartTimestamp) the first fragment
// holding the time, else the first after it; CONTINUATION_TOKEN the chunk
// the token names (a fragment number is accepted too: that fragment).
// Errors before the 200: ResourceNotFoundException (404) for an unknown or
// not ACTIVE stream, InvalidArgumentException for a missing parameter or a
// number or token that is not this stream's, ConnectionLimitExceededException
// past 3 concurrent GetMedia sessions on a stream, and
// ClientLimitExceededException with --limits on (the default) past 5
// GetMedia calls a second per stream. A fragment whose
// stored data is damaged is skipped (and logged). One the stream's KMS key
// refuses to open (server-side encryption: the key disabled, gone, ...)
// ends the body with a Tags element of AWS_KINESISVIDEO_ERROR_CODE (the
// KVS name, KMS_KEY_DISABLED, ...) and AWS_KINESISVIDEO_ERROR_ID (4500 to
// 4506), as AWS ends a GetMedia it cannot go on with.

import (
	"context"
	"errors"
	"strconv"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/video/fragments"
	"sluice/internal/video/mkv"
)

var getMediaInput = streamRef(shape.Req("StartSelector", shape.Struct(
	shape.Req("StartSelectorType", shape.Str().OneOf("FRAGMENT_NUMBER", "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP", "NOW", "EARLIEST", "CONTINUATION_TOKEN")),
	shape.Opt("AfterFragmentNumber", shape.Str().Len(1, 128).Match(`^[0-9]+$`)),
	shape.Opt("StartTimestamp", shape.Time()),
	shape.Opt("ContinuationToken", shape.Str().Len(1, 128).Match(`^[a-zA-Z0-9_\.\-]+$`)),
).Named("StartSelector")))

type startSelector struct {
	StartSelectorType   string
	AfterFragmentNumber *string
	StartTimestamp      *time.Time
	ContinuationToken   *string
}

type getMediaIn struct {
	StreamName    *string
	StreamARN     *string
	StartSelector startSelector
}

func (d *dataPlane) getMedia(ctx context.Context, in *getMediaIn, w awsproto.ResponseStream) error {
	fs, err := d.open(ctx, "GetMedia", ref(in.StreamName, in.StreamARN))
	if err != nil {
		return err
	}
	pos, err := startPosition(fs, &in.StartSelector)
	if err != nil {
		return err
	}
	release, err := fs.AcquireReader()
	if err != nil {
		return wireFragments(err)
	}
	defer release()
	w.Header().Set("Content-Type", mediaContentType)
	w.WriteHeader(200)
	w.Flush()
	sent := false // a chunk was written
	for {
		f, err := fs.Next(ctx, pos)
		if err != nil {
			return nil // the client left, the stream was deleted or the server stops: the body ends
		}
		pos = f.Pos + 1
		header, cluster, err := fs.Media(f)
		if errors.Is(err, fragments.ErrDamaged) {
			continue
		}
		if ke := (*fragments.KMSError)(nil); errors.As(err, &ke) {
			var b []byte
			if !sent {
				// A body opens with a header: the fragment's if it could be
				// read, an empty one otherwise.
				b = header
				if b == nil {
					b = mkv.AppendHeader(nil, &mkv.Header{})
				}
			}
			w.Write(mkv.AppendTags(b, []mkv.SimpleTag{
				{Name: mkv.TagErrorCode, Value: ke.Code},
				{Name: mkv.TagErrorID, Value: strconv.Itoa(int(ke.ID))},
			}))
			return nil
		}
		if err != nil {
			return nil
		}
		behind := int64(0)
		if latest, ok := fs.Latest(); ok {
			behind = max(latest.ServerMillis-f.ServerMillis, 0)
		}
		after := []mkv.SimpleTag{
			{Name: mkv.TagMillisBehindNow, Value: strconv.FormatInt(behind, 10)},
			{Name: mkv.TagContinuationToken, Value: fragments.FormatToken(pos, fs.Salt())},
		}
		if _, err := mkv.WriteChunk(w, header, fragmentTags(&f), cluster, after); err != nil {
			return nil
		}
		sent = true
		fs.Served("GetMedia", len(cluster))
		w.Flush()
	}
}

// startPosition is the index position the selector starts at.
func startPosition(fs *fragments.Stream, sel *startSelector) (uint64, error) {
	switch sel.StartSelectorType {
	case "NOW":
		return fs.Edge(), nil
	case "EARLIEST":
		return fs.Earliest(), nil
	case "FRAGMENT_NUMBER":
		if sel.AfterFragmentNumber == nil {
			return 0, awserr.New(invalidArgument, "AfterFragmentNumber is required with the FRAGMENT_NUMBER StartSelectorType.")
		}
		seq, err := fragments.ParseNumber(*sel.AfterFragmentNumber, fs.Salt())
		if err != nil {
			return 0, awserr.New(invalidArgument, "AfterFragmentNumber %s is not a fragment number of this stream.", *sel.AfterFragmentNumber)
		}
		return fs.AfterSeq(seq), nil
	case "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP":
		if sel.StartTimestamp == nil {
			return 0, awserr.New(invalidArgument, "StartTimestamp is required with the %s StartSelectorType.", sel.StartSelectorType)
		}
		kind := fragments.ServerTimestamp
		if sel.StartSelectorType == "PRODUCER_TIMESTAMP" {
			kind = fragments.ProducerTimestamp
		}
		return fs.SeekTime(kind, *sel.StartTimestamp), nil
	case "CONTINUATION_TOKEN":
		if sel.ContinuationToken == nil {
			return 0, awserr.New(invalidArgument, "ContinuationToken is required with the CONTINUATION_TOKEN StartSelectorType.")
		}
		tok := *sel.ContinuationToken
		if pos, err := fragments.ParseToken(tok, fs.Salt()); err == nil {
			if pos > fs.Edge() {
				return 0, awserr.New(invalidArgument, "The ContinuationToken %s is not valid for this stream.", tok)
			}
			return pos, nil
		}
		if seq, err := fragments.ParseNumber(tok, fs.Salt()); err == nil {
			return fs.AfterSeq(seq - 1), nil
		}
		return 0, awserr.New(invalidArgument, "The ContinuationToken %s is not valid for this stream.", tok)
	}
	return 0, awserr.New(invalidArgument, "Unknown StartSelectorType %s.", sel.StartSelectorType)
}
