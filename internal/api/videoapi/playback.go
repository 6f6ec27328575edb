package videoapi

// The archived-media playback APIs (kinesis-video-archived-media):
// GetHLSStreamingSessionURL, GetDASHStreamingSessionURL (the session URLs,
// hls_session.go and dash_session.go), the HLS and DASH resources those
// URLs lead to (plain GETs under /hls/v1/ and /dash/v1/, playback_get.go),
// GetClip (get_clip.go) and GetImages (get_images.go), over package
// fragments for the media and package playback for sessions, windows and
// images.
//
// Sessions are stateless: everything a session grants is sealed into its
// token (AES-256-GCM under a key kept in the meta store, package
// playback), so a session URL works until it expires, across restarts,
// and nothing is stored per session. AWS's old limit of ten active
// sessions per stream (the oldest closed by the eleventh) was lifted in
// March 2021, when playback quotas moved to fragment rates; Sluice has no
// such limit either (a stateless token cannot be closed).
//
// With --limits on (the default), the per-stream call rates of AWS's
// limits page apply (ClientLimitExceededException past them): GetClip 1 a
// second, the HLS and DASH session URLs 1 a second with bursts of 5.
// GetImages has no documented rate; the playback GETs' per-session rates
// are not enforced.

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
	"sluice/internal/video/playback"
)

// The playback APIs' own errors, with the statuses of the model.
var (
	unsupportedMediaType = awserr.Code{Name: "UnsupportedStreamMediaTypeException", Status: http.StatusBadRequest}
	missingCodecPrivate  = awserr.Code{Name: "MissingCodecPrivateDataException", Status: http.StatusBadRequest}
	invalidCodecPrivate  = awserr.Code{Name: "InvalidCodecPrivateDataException", Status: http.StatusBadRequest}
	invalidMediaFrame    = awserr.Code{Name: "InvalidMediaFrameException", Status: http.StatusBadRequest}
	// notAuthorized is what a playback GET with an expired or forged
	// session token gets: AWS answers 403 "Streaming session token is
	// expired" (its model says 401 for the SDK operations).
	notAuthorized = awserr.Code{Name: "NotAuthorizedException", Status: http.StatusForbidden}
	// imagesUnavailable is GetImages without ffmpeg: no error of AWS's
	// model fits (the server, not the request, lacks something), so a
	// 501 that no SDK retries, with a message saying what to install.
	imagesUnavailable = awserr.Code{Name: "NotImplementedException", Status: http.StatusNotImplemented}
)

// PlaybackOptions configure the playback APIs.
type PlaybackOptions struct {
	Store *fragments.Store
	Keys  *playback.Keys
	// Images decodes GetImages' frames (playback.NewImages(2) if nil).
	Images *playback.Images
	Now    func() time.Time
	Logger *slog.Logger
}

type playbackAPI struct {
	svc    *video.Service
	store  *fragments.Store
	keys   *playback.Keys
	images *playback.Images
	now    func() time.Time
	log    *slog.Logger
	heads  headerCache

	mu    sync.Mutex
	clips map[string]bool // stream IDs with a GetClip in progress
}

// AddPlayback routes GetHLSStreamingSessionURL,
// GetDASHStreamingSessionURL, GetClip and GetImages, and returns the
// handler of the playback GETs, which the server mounts at /hls/v1/ and
// /dash/v1/. Call it before the server builds its handler.
func (a *API) AddPlayback(o PlaybackOptions) http.Handler {
	p := &playbackAPI{svc: a.svc, store: o.Store, keys: o.Keys, images: o.Images, now: o.Now, log: o.Logger, clips: map[string]bool{}}
	if p.images == nil {
		p.images = playback.NewImages(2)
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.heads.entries = map[headerKey]*headerEntry{}
	a.rs.Handle("/getHLSStreamingSessionURL", hlsSessionOp(p))
	a.rs.Handle("/getDASHStreamingSessionURL", dashSessionOp(p))
	a.rs.Handle("/getClip", getClipOp(p))
	a.rs.Handle("/getImages", getImagesOp(p))
	return http.HandlerFunc(p.serveGET)
}

// openForPlayback returns the stream ref names and its fragments for a
// call of api: the stream must exist and be ACTIVE (or UPDATING), and
// retain data, and the call is charged against the stream's rate for api
// (with --limits on).
func (p *playbackAPI) openForPlayback(ctx context.Context, api string, r video.Ref) (*video.Stream, *fragments.Stream, error) {
	st, err := p.svc.Stream(Caller(ctx), r)
	if err != nil {
		return nil, nil, Wire(err)
	}
	st, fs, err := p.openStream(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	if err := fs.Admit(api); err != nil {
		return nil, nil, wireFragments(err)
	}
	p.store.CountPlayback(api)
	return st, fs, nil
}

func (p *playbackAPI) openStream(ctx context.Context, st *video.Stream) (*video.Stream, *fragments.Stream, error) {
	if st.Status != video.StatusActive && st.Status != video.StatusUpdating {
		return nil, nil, awserr.New(resourceNotFound, "The stream %s is not active.", st.Name)
	}
	if st.RetentionHours == 0 {
		return nil, nil, awserr.New(noDataRetention, "The stream %s does not retain data (its DataRetentionInHours is 0): playback needs archived media.", st.Name)
	}
	fs, err := p.store.Open(ctx, st)
	if err != nil {
		return nil, nil, playbackStoreError(err)
	}
	return st, fs, nil
}

// playbackStoreError maps the fragment store's and the packager's errors.
func playbackStoreError(err error) error {
	var ae *awserr.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, fragments.ErrRateExceeded):
		return wireFragments(err)
	case errors.Is(err, fragments.ErrDeleted):
		return awserr.New(resourceNotFound, "The stream was deleted.")
	case errors.Is(err, fragments.ErrClosed):
		return awserr.New(awserr.ServiceUnavailable, "Sluice is shutting down.")
	case errors.Is(err, fragments.ErrNotFound):
		return awserr.New(resourceNotFound, "The fragment is not available (it was never stored or has expired).")
	case errors.Is(err, fragments.ErrBadNumber):
		return awserr.New(invalidArgument, "The fragment number is not one of this stream's.")
	case errors.Is(err, media.ErrUnsupportedMedia):
		return awserr.New(unsupportedMediaType, "%s", mediaMessage(err))
	case errors.Is(err, media.ErrMissingCodecPrivate):
		return awserr.New(missingCodecPrivate, "%s", mediaMessage(err))
	case errors.Is(err, media.ErrInvalidCodecPrivate):
		return awserr.New(invalidCodecPrivate, "%s", mediaMessage(err))
	case errors.Is(err, media.ErrInvalidFrame):
		return awserr.New(invalidMediaFrame, "%s", mediaMessage(err))
	}
	if ke := (*fragments.KMSError)(nil); errors.As(err, &ke) {
		// The archived-media APIs have no KMS errors: the stream's key
		// refusing to open its media is the caller's lack of access to it.
		return awserr.New(notAuthorized, "%s", ke.Msg)
	}
	return Wire(err)
}

// mediaMessage is the client's message for a packaging error: what the
// media package says, which names the track and codec.
func mediaMessage(err error) string { return err.Error() }

// headerKey names a fragment whose header was parsed.
type headerKey struct {
	stream string
	pos    uint64
}

type headerEntry struct {
	stream *media.Stream
	scale  uint64
	err    error
}

// headerCache keeps the parsed headers (as media.Streams) of the fragments
// playlists were last made from, so that a LIVE player refreshing its
// playlist every second does not read a fragment each time. Bounded; the
// oldest entry goes first.
type headerCache struct {
	mu      sync.Mutex
	entries map[headerKey]*headerEntry
	order   []headerKey
}

const headerCacheSize = 256

// header returns the media.Stream of f's header and its timecode scale.
func (p *playbackAPI) header(st *video.Stream, fs *fragments.Stream, f fragments.Fragment) (*media.Stream, uint64, error) {
	key := headerKey{st.ID, f.Pos}
	c := &p.heads
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok {
		e = &headerEntry{}
		lf, err := playback.Load(fs, f, fragments.ServerTimestamp)
		if err != nil {
			return nil, 0, playbackStoreError(err)
		}
		e.scale = lf.Header.TimecodeScale
		e.stream, e.err = media.NewStream(lf.Header)
		c.mu.Lock()
		if _, dup := c.entries[key]; !dup {
			c.entries[key] = e
			c.order = append(c.order, key)
			if len(c.order) > headerCacheSize {
				delete(c.entries, c.order[0])
				c.order = c.order[1:]
			}
		}
		c.mu.Unlock()
	}
	if e.err != nil {
		return nil, 0, playbackStoreError(e.err)
	}
	return e.stream, e.scale, nil
}

// defaultMaxResults is MaxMediaPlaylistFragmentResults' and
// MaxManifestFragmentResults' default: 5 for LIVE and LIVE_REPLAY, 1,000
// for ON_DEMAND.
func defaultMaxResults(mode media.PlaybackMode) int {
	if mode == media.OnDemand {
		return 1000
	}
	return 5
}

// liveHorizon: a LIVE session needs a fragment stored this recently.
const liveHorizon = 30 * time.Second

// selector is HLSFragmentSelector and DASHFragmentSelector.
type selector struct {
	FragmentSelectorType *string
	TimestampRange       *struct {
		StartTimestamp *time.Time
		EndTimestamp   *time.Time
	}
}

// newSession checks the parts GetHLSStreamingSessionURL and
// GetDASHStreamingSessionURL share, as AWS's references state them, and
// makes the session (without its protocol's own settings): the selector
// is optional for LIVE, where a TimestampRange must not be given; ON_DEMAND
// needs StartTimestamp and EndTimestamp, LIVE_REPLAY StartTimestamp; End
// is after Start and within 24 hours of it. The stream must have
// fragments in the range (LIVE: one stored in the last 30 seconds), and
// its media must be playable (checked on the newest of them).
func (p *playbackAPI) newSession(ctx context.Context, proto playback.Protocol, r video.Ref, mode *string, sel *selector, expires *int32, maxResults *int64, selName string) (*playback.Session, *video.Stream, string, error) {
	s := &playback.Session{Protocol: proto, Mode: media.Live, Kind: fragments.ServerTimestamp}
	if mode != nil {
		s.Mode = media.PlaybackMode(*mode)
	}
	if sel != nil && sel.FragmentSelectorType != nil && *sel.FragmentSelectorType == "PRODUCER_TIMESTAMP" {
		s.Kind = fragments.ProducerTimestamp
	}
	var rng *struct{ StartTimestamp, EndTimestamp *time.Time }
	if sel != nil {
		rng = sel.TimestampRange
	}
	switch s.Mode {
	case media.Live:
		if rng != nil {
			return nil, nil, "", awserr.New(invalidArgument, "%s.TimestampRange must not be set when PlaybackMode is LIVE.", selName)
		}
	case media.OnDemand, media.LiveReplay:
		if rng == nil || rng.StartTimestamp == nil {
			return nil, nil, "", awserr.New(invalidArgument, "%s with a TimestampRange and its StartTimestamp is required when PlaybackMode is %s.", selName, s.Mode)
		}
		if rng.EndTimestamp == nil && s.Mode == media.OnDemand {
			return nil, nil, "", awserr.New(invalidArgument, "%s.TimestampRange.EndTimestamp is required when PlaybackMode is ON_DEMAND.", selName)
		}
		s.Start = *rng.StartTimestamp
		if rng.EndTimestamp != nil {
			s.End = *rng.EndTimestamp
			if !s.End.After(s.Start) {
				return nil, nil, "", awserr.New(invalidArgument, "The EndTimestamp must be later than the StartTimestamp.")
			}
			if s.End.Sub(s.Start) > 24*time.Hour {
				return nil, nil, "", awserr.New(invalidArgument, "The EndTimestamp must be within 24 hours of the StartTimestamp.")
			}
		}
	}
	s.MaxResults = defaultMaxResults(s.Mode)
	if maxResults != nil {
		s.MaxResults = int(*maxResults)
	}
	now := p.now()
	s.Created = now
	s.Expires = now.Add(300 * time.Second)
	if expires != nil {
		s.Expires = now.Add(time.Duration(*expires) * time.Second)
	}
	api := "GetHLSStreamingSessionURL"
	if proto == playback.DASH {
		api = "GetDASHStreamingSessionURL"
	}
	st, fs, err := p.openForPlayback(ctx, api, r)
	if err != nil {
		return nil, nil, "", err
	}
	s.StreamID = st.ID
	var probe fragments.Fragment
	if s.Mode == media.Live {
		f, ok := fs.Latest()
		if !ok || now.Sub(f.ServerTime()) > liveHorizon {
			return nil, nil, "", awserr.New(resourceNotFound, "No fragments found in the stream %s in the last 30 seconds.", st.Name)
		}
		probe = f
	} else {
		var found bool
		for _, f := range fs.Fragments() {
			if s.InRange(&f) {
				probe, found = f, true
			}
		}
		if !found {
			return nil, nil, "", awserr.New(resourceNotFound, "No fragments found in the stream %s in the requested time range.", st.Name)
		}
	}
	if _, _, err := p.header(st, fs, probe); err != nil {
		return nil, nil, "", err
	}
	configured, err := p.svc.DataEndpoint(Caller(ctx), r)
	if err != nil {
		return nil, nil, "", Wire(err)
	}
	return s, st, endpoint(ctx, configured), nil
}

// trackParam reads TrackNumber (1 when absent).
func trackParam(v string) (uint64, bool) {
	if v == "" {
		return 1, true
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil && n > 0
}
