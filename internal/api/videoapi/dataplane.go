package videoapi

// The data plane's routes on the same REST-JSON service: PutMedia
// (kinesis-video-media's upload, HandleRaw), GetMedia (kinesis-video-media),
// ListFragments and GetMediaForFragmentList (kinesis-video-archived-media),
// over package fragments. Each answers on any endpoint GetDataEndpoint
// hands out (Sluice's own URL). With --limits on (the default), each call
// is charged against its API's per-stream rate (AWS's: 5 a second for these
// four, fragments.Stream.Admit), answered ClientLimitExceededException when
// spent.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
	"sluice/internal/video/mkv"
)

// mediaContentType is the Content-Type of GetMedia's and
// GetMediaForFragmentList's MKV bodies, as AWS answers them.
const mediaContentType = "video/webm"

type dataPlane struct {
	svc   *video.Service
	store *fragments.Store
}

// AddDataPlane routes PutMedia, GetMedia, ListFragments and
// GetMediaForFragmentList over store. Call it before the server builds its
// handler.
func (a *API) AddDataPlane(store *fragments.Store) {
	d := &dataPlane{svc: a.svc, store: store}
	a.rs.HandleRaw("/putMedia", d.putMedia)
	a.rs.Handle("/getMedia", awsproto.StreamOp("GetMedia", getMediaInput, d.getMedia))
	a.rs.Handle("/listFragments", awsproto.Op("ListFragments", listFragmentsInput, d.listFragments))
	a.rs.Handle("/getMediaForFragmentList", awsproto.StreamOp("GetMediaForFragmentList", getMediaForFragmentListInput, d.getMediaForFragmentList))
}

var errNotActive = &awserr.Error{Code: resourceNotFound, Message: "The requested stream is not found or not active."}

// open returns the fragments of the stream ref names, which must be ACTIVE
// (or UPDATING), for a call of api, charged against the stream's rate for
// api (with --limits on: ClientLimitExceededException when spent).
func (d *dataPlane) open(ctx context.Context, api string, r video.Ref) (*fragments.Stream, error) {
	st, err := d.svc.Stream(Caller(ctx), r)
	if err != nil {
		return nil, Wire(err)
	}
	if st.Status != video.StatusActive && st.Status != video.StatusUpdating {
		return nil, errNotActive
	}
	fs, err := d.store.Open(ctx, st)
	if err != nil {
		return nil, wireFragments(err)
	}
	if err := fs.Admit(api); err != nil {
		return nil, wireFragments(err)
	}
	return fs, nil
}

// wireFragments maps the store's errors.
func wireFragments(err error) error {
	switch {
	case errors.Is(err, fragments.ErrDeleted):
		return errNotActive
	case errors.Is(err, fragments.ErrClosed):
		return awserr.New(awserr.ServiceUnavailable, "Sluice is shutting down.")
	case errors.Is(err, fragments.ErrRateExceeded):
		return awserr.New(clientLimitExceeded, "Rate exceeded: the stream's limit of calls per second to this API is reached.")
	case errors.Is(err, fragments.ErrTooManyReaders):
		return awserr.New(connectionLimit, "The stream already has %d GetMedia sessions, the most allowed.", fragments.DefaultMaxReaders)
	}
	return Wire(err)
}

// fragmentTags are the tags before a fragment's cluster in GetMedia and
// GetMediaForFragmentList.
func fragmentTags(f *fragments.Fragment) []mkv.SimpleTag {
	return []mkv.SimpleTag{
		{Name: mkv.TagFragmentNumber, Value: f.Number()},
		{Name: mkv.TagServerTimestamp, Value: seconds(f.ServerMillis)},
		{Name: mkv.TagProducerTimestamp, Value: seconds(f.ProducerMillis)},
	}
}

// seconds writes Unix milliseconds as the tags do: seconds with three
// decimals.
func seconds(ms int64) string {
	t := time.UnixMilli(ms)
	return fmt.Sprintf("%d.%03d", t.Unix(), t.Nanosecond()/1e6)
}
