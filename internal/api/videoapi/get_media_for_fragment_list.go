package videoapi

// GetMediaForFragmentList (kinesis-video-archived-media): POST
// /getMediaForFragmentList {StreamName|StreamARN, Fragments: 1..1000
// fragment numbers}, answered 200 video/webm with one MKV chunk per number,
// in the order asked: header, Tags (AWS_KINESISVIDEO_FRAGMENT_NUMBER,
// _SERVER_TIMESTAMP, _PRODUCER_TIMESTAMP: the names GetMedia uses, which
// the parser libraries read, where the documentation writes
// _SERVER_SIDE_TIMESTAMP; before the Cluster, where AWS puts them), Cluster.
// Every number is checked before the 200: one that
// is not a fragment number of the stream is InvalidArgumentException, one
// with no live fragment (never stored, expired) ResourceNotFoundException.
// A fragment found damaged while it is read, or that the stream's KMS key
// refuses to open (server-side encryption), is replaced by a chunk of its
// header (when it can be read) and a Tags element with
// AWS_KINESISVIDEO_FRAGMENT_NUMBER, AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE
// (4000, or GetMedia's 45xx ErrorId of the KMS failure) and
// AWS_KINESISVIDEO_EXCEPTION_MESSAGE, and the body goes on.

import (
	"context"
	"errors"
	"strconv"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/video/fragments"
	"sluice/internal/video/mkv"
)

var getMediaForFragmentListInput = streamRef(
	shape.Req("Fragments", shape.ListOf(shape.Str().Len(1, 128).Match(`^[0-9]+$`)).Len(1, 1000)),
)

type getMediaForFragmentListIn struct {
	StreamName *string
	StreamARN  *string
	Fragments  []string
}

func (d *dataPlane) getMediaForFragmentList(ctx context.Context, in *getMediaForFragmentListIn, w awsproto.ResponseStream) error {
	fs, err := d.open(ctx, "GetMediaForFragmentList", ref(in.StreamName, in.StreamARN))
	if err != nil {
		return err
	}
	list := make([]fragments.Fragment, len(in.Fragments))
	for i, n := range in.Fragments {
		f, err := fs.Lookup(n)
		switch {
		case errors.Is(err, fragments.ErrBadNumber):
			return awserr.New(invalidArgument, "%s is not a fragment number of this stream.", n)
		case errors.Is(err, fragments.ErrNotFound):
			return awserr.New(resourceNotFound, "The fragment %s is not found.", n)
		}
		list[i] = f
	}
	w.Header().Set("Content-Type", mediaContentType)
	w.WriteHeader(200)
	sent := false // something was written
	for _, f := range list {
		header, cluster, err := fs.Media(f)
		if err != nil {
			code, msg := "4000", "The fragment's stored data is damaged."
			var ke *fragments.KMSError
			switch {
			case errors.As(err, &ke):
				code, msg = strconv.Itoa(int(ke.ID)), ke.Msg
			case !errors.Is(err, fragments.ErrDamaged):
				return nil // the stream was deleted or the server stops
			}
			// In a chunk of its own: the fragment's header when it could be
			// read, an empty one when the body has no header yet.
			b := header
			if b == nil && !sent {
				b = mkv.AppendHeader(nil, &mkv.Header{})
			}
			b = mkv.AppendTags(b[:len(b):len(b)], []mkv.SimpleTag{
				{Name: mkv.TagFragmentNumber, Value: f.Number()},
				{Name: "AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE", Value: code},
				{Name: "AWS_KINESISVIDEO_EXCEPTION_MESSAGE", Value: msg},
			})
			if _, err := w.Write(b); err != nil {
				return nil
			}
			sent = true
			continue
		}
		if _, err := mkv.WriteChunk(w, header, fragmentTags(&f), cluster, nil); err != nil {
			return nil
		}
		sent = true
		fs.Served("GetMediaForFragmentList", len(cluster))
		if ctx.Err() != nil {
			return nil
		}
	}
	w.Flush()
	return nil
}
