package videoapi

// The HLS and DASH resources of a streaming session: plain GETs (and HEADs)
// that a player makes with the URLs the session URL leads to, authorized
// by their SessionToken alone (no SigV4: players cannot sign).
//
//	/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=…
//	/hls/v1/getHLSMediaPlaylist.m3u8?SessionToken=…&TrackNumber=n
//	/hls/v1/getMP4InitFragment.mp4?SessionToken=…&TrackNumber=n
//	/hls/v1/getMP4MediaFragment.mp4?FragmentNumber=…&SessionToken=…&TrackNumber=n
//	/hls/v1/getTSFragment.ts?FragmentNumber=…&SessionToken=…
//	/dash/v1/getDASHManifest.mpd?SessionToken=…
//	/dash/v1/getMP4InitFragment.mp4?SessionToken=…&TrackNumber=n
//	/dash/v1/getMP4MediaFragment.mp4?SequenceNumber=…&SessionToken=…&TrackNumber=n
//
// Playlists and manifests list the session's window (playback.Session.
// Window): LIVE the newest fragments, LIVE_REPLAY paced from its start,
// ON_DEMAND the oldest of its range and EXT-X-ENDLIST (a static MPD). A
// media fragment is one Kinesis Video fragment, read and packaged when asked
// (its next fragment's start times its last frame), so memory does not grow
// with the stream. A fragment outside the session's range is
// ResourceNotFoundException.
//
// Every answer carries Access-Control-Allow-Origin: * (and OPTIONS is
// answered): a browser player on any page may load the session, because the
// token in the URL is the credential — whoever has the URL can play it in
// any player anyway, and no cookie or ambient credential is involved.
// Playlists of LIVE and LIVE_REPLAY sessions are not cached (no-cache);
// ON_DEMAND playlists, init and media fragments are (private, until the
// session expires). Errors are AWS's REST-JSON ones: the x-amzn-ErrorType
// header and {"Message": …}; an expired session is NotAuthorizedException
// 403 "Streaming session token is expired", as AWS answers it, a token
// this server did not make NotAuthorizedException 403 too, a deleted
// stream ResourceNotFoundException 404.

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
	"sluice/internal/video/playback"
)

// The mount points of the playback GETs.
const (
	hlsPrefix  = "/hls/v1/"
	dashPrefix = "/dash/v1/"
)

// Content types of the playback resources.
const (
	hlsContentType  = "application/vnd.apple.mpegurl"
	dashContentType = "application/dash+xml"
	mp4ContentType  = "video/mp4"
)

// playbackKinds name the playback resources as AWS's API does, for the
// metrics of playback requests by kind.
var playbackKinds = map[string]string{
	media.HLSMasterPlaylistName: "GetHLSMasterPlaylist",
	media.HLSMediaPlaylistName:  "GetHLSMediaPlaylist",
	media.MP4InitFragmentName:   "GetMP4InitFragment",
	media.MP4MediaFragmentName:  "GetMP4MediaFragment",
	media.TSFragmentName:        "GetTSFragment",
	media.DASHManifestName:      "GetDASHManifest",
}

// playbackRequest is one playback GET, its session opened.
type playbackRequest struct {
	w     http.ResponseWriter
	r     *http.Request
	sess  *playback.Session
	token string
	st    *video.Stream
	fs    *fragments.Stream
	now   time.Time
}

func (p *playbackAPI) serveGET(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Origin", "*")
	hdr.Set("Access-Control-Expose-Headers", "x-amzn-ErrorType,x-amz-ErrorType,Content-Length,Content-Type")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		hdr.Set("Access-Control-Allow-Methods", "GET, HEAD")
		if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
			hdr.Set("Access-Control-Allow-Headers", asked)
		}
		hdr.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		hdr.Set("Allow", "GET, HEAD, OPTIONS")
		writePlaybackError(w, awserr.New(awserr.Code{Name: "MethodNotAllowedException", Status: http.StatusMethodNotAllowed}, "Playback resources are read with GET."))
		return
	}
	err := p.servePlayback(w, r)
	if err == nil {
		return
	}
	// A cluster node that forwards the request to the stream's node
	// answers with that node's response, whose headers come as they are.
	cors := hdr.Clone()
	hdr.Del("Access-Control-Allow-Origin")
	hdr.Del("Access-Control-Expose-Headers")
	if awsproto.TakeOver(r.Context(), err) {
		return
	}
	maps.Copy(hdr, cors)
	writePlaybackError(w, p.publicPlaybackError(r, err))
}

func (p *playbackAPI) publicPlaybackError(r *http.Request, err error) *awserr.Error {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		ae = awserr.As(playbackStoreError(err))
	}
	if ae.Code.Status >= 500 {
		p.log.Error("playback request failed", "path", r.URL.Path, "err", err)
	}
	return ae
}

func (p *playbackAPI) servePlayback(w http.ResponseWriter, r *http.Request) error {
	proto, name := playback.HLS, strings.TrimPrefix(r.URL.Path, hlsPrefix)
	if strings.HasPrefix(r.URL.Path, dashPrefix) {
		proto, name = playback.DASH, strings.TrimPrefix(r.URL.Path, dashPrefix)
	}
	q := r.URL.Query()
	pr, err := p.openRequest(r.Context(), w, r, proto, q.Get(media.ParamSessionToken))
	if err != nil {
		return err
	}
	if kind, ok := playbackKinds[name]; ok {
		p.store.CountPlayback(kind)
	}
	track, ok := trackParam(q.Get(media.ParamTrackNumber))
	if !ok {
		return awserr.New(invalidArgument, "TrackNumber must be a positive integer.")
	}
	switch {
	case proto == playback.HLS && name == media.HLSMasterPlaylistName:
		return p.hlsPlaylist(pr, 0, true)
	case proto == playback.HLS && name == media.HLSMediaPlaylistName:
		return p.hlsPlaylist(pr, track, false)
	case proto == playback.DASH && name == media.DASHManifestName:
		return p.dashManifest(pr)
	case name == media.MP4InitFragmentName:
		return p.initFragment(pr, track)
	case name == media.MP4MediaFragmentName:
		f, err := p.requestedFragment(pr, q.Get(media.ParamFragmentNumber), q.Get(media.ParamSequenceNumber))
		if err != nil {
			return err
		}
		return p.mediaFragment(pr, f, track, false)
	case proto == playback.HLS && name == media.TSFragmentName:
		f, err := p.requestedFragment(pr, q.Get(media.ParamFragmentNumber), "")
		if err != nil {
			return err
		}
		return p.mediaFragment(pr, f, 0, true)
	}
	return awserr.New(resourceNotFound, "There is no playback resource %s.", r.URL.Path)
}

var errExpired = awserr.New(notAuthorized, "Streaming session token is expired")

// openRequest opens the session of token (of protocol proto) and its
// stream.
func (p *playbackAPI) openRequest(ctx context.Context, w http.ResponseWriter, r *http.Request, proto playback.Protocol, token string) (*playbackRequest, error) {
	if token == "" {
		return nil, awserr.New(invalidArgument, "The SessionToken parameter is required.")
	}
	now := p.now()
	sess, err := p.keys.Open(token, now)
	switch {
	case errors.Is(err, playback.ErrExpired):
		return nil, errExpired
	case err != nil || sess.Protocol != proto:
		return nil, awserr.New(notAuthorized, "The session token is not valid.")
	}
	st, ok := p.svc.StreamByID(sess.StreamID)
	if !ok {
		return nil, awserr.New(resourceNotFound, "The session's stream no longer exists.")
	}
	_, fs, err := p.openStream(ctx, st)
	if err != nil {
		return nil, err
	}
	return &playbackRequest{w: w, r: r, sess: sess, token: token, st: st, fs: fs, now: now}, nil
}

// window is the session's current fragments and the header they are
// packaged with (the first one's; the newest live one's when the window is
// empty).
func (p *playbackAPI) window(pr *playbackRequest) ([]media.Fragment, bool, *media.Stream, error) {
	frags, ended := pr.sess.Window(pr.fs.Fragments(), pr.now)
	probe, ok := fragments.Fragment{}, false
	if len(frags) > 0 {
		probe, ok = frags[0], true
	} else {
		probe, ok = pr.fs.Latest()
	}
	if !ok {
		return nil, false, nil, awserr.New(resourceNotFound, "The stream %s has no fragments.", pr.st.Name)
	}
	ms, scale, err := p.header(pr.st, pr.fs, probe)
	if err != nil {
		return nil, false, nil, err
	}
	out := make([]media.Fragment, len(frags))
	for i := range frags {
		out[i] = pr.sess.Describe(&frags[i], scale)
	}
	return out, ended, ms, nil
}

func (p *playbackAPI) hlsPlaylist(pr *playbackRequest, track uint64, master bool) error {
	frags, ended, ms, err := p.window(pr)
	if err != nil {
		return err
	}
	o := media.HLSOptions{Mode: pr.sess.Mode, Container: pr.sess.Container, Discontinuity: pr.sess.Discontinuity,
		DisplayFragmentTimestamp: pr.sess.DisplayTimestamp, Ended: ended}
	urls := media.AWSURLs{SessionToken: pr.token}
	var body string
	if master {
		body = ms.HLSMasterPlaylist(urls, o, frags)
	} else {
		if ms.Track(track) == nil {
			return awserr.New(invalidArgument, "The stream has no track %d.", track)
		}
		body = ms.HLSMediaPlaylist(urls, track, o, frags)
	}
	return p.write(pr, hlsContentType, ended, []byte(body))
}

func (p *playbackAPI) dashManifest(pr *playbackRequest) error {
	frags, ended, ms, err := p.window(pr)
	if err != nil {
		return err
	}
	o := media.DASHOptions{Mode: pr.sess.Mode, DisplayFragmentNumber: pr.sess.DisplayNumber,
		DisplayFragmentTimestamp: pr.sess.DisplayTimestamp, Ended: ended}
	body := ms.DASHManifest(media.AWSURLs{SessionToken: pr.token}, o, frags, pr.now)
	return p.write(pr, dashContentType, ended, []byte(body))
}

func (p *playbackAPI) initFragment(pr *playbackRequest, track uint64) error {
	_, _, ms, err := p.window(pr)
	if err != nil {
		return err
	}
	if ms.Track(track) == nil {
		return awserr.New(invalidArgument, "The stream has no track %d.", track)
	}
	b, err := ms.InitSegment(track)
	if err != nil {
		return playbackStoreError(err)
	}
	return p.write(pr, mp4ContentType, true, b)
}

// requestedFragment returns the fragment a media request names: by
// FragmentNumber, or (DASH) by SequenceNumber, the fragment's index
// position. It must be within the session's range.
func (p *playbackAPI) requestedFragment(pr *playbackRequest, number, sequence string) (fragments.Fragment, error) {
	var f fragments.Fragment
	switch {
	case number != "":
		var err error
		if f, err = pr.fs.Lookup(number); err != nil {
			return f, playbackStoreError(err)
		}
	case sequence != "":
		n, err := strconv.ParseUint(sequence, 10, 64)
		if err != nil {
			return f, awserr.New(invalidArgument, "SequenceNumber must be a non-negative integer.")
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // what is stored now, without waiting
		if f, err = pr.fs.Next(ctx, n); err != nil || f.Pos != n {
			return f, awserr.New(resourceNotFound, "The fragment is not available (it was never stored or has expired).")
		}
	default:
		return f, awserr.New(invalidArgument, "The FragmentNumber parameter is required.")
	}
	if !pr.sess.InRange(&f) {
		return f, awserr.New(resourceNotFound, "The fragment is not within the session's time range.")
	}
	return f, nil
}

func (p *playbackAPI) mediaFragment(pr *playbackRequest, f fragments.Fragment, track uint64, ts bool) error {
	lf, err := playback.Load(pr.fs, f, pr.sess.Kind)
	if err != nil {
		return playbackStoreError(err)
	}
	ms, err := media.NewStream(lf.Header)
	if err != nil {
		return playbackStoreError(err)
	}
	seg := lf.Segment(pr.fs, f, pr.sess.Kind)
	var b []byte
	if ts {
		b, err = ms.TSSegment(seg)
		if err != nil {
			return playbackStoreError(err)
		}
		return p.write(pr, media.TSContentType, true, b)
	}
	if ms.Track(track) == nil {
		return awserr.New(invalidArgument, "The stream has no track %d.", track)
	}
	if b, err = ms.MediaSegment(seg, track); err != nil {
		return playbackStoreError(err)
	}
	return p.write(pr, mp4ContentType, true, b)
}

// write answers 200 with body. Cacheable answers (fragments, ended
// playlists) may be kept until the session expires.
func (p *playbackAPI) write(pr *playbackRequest, contentType string, cacheable bool, body []byte) error {
	hdr := pr.w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	if cacheable {
		age := int(pr.sess.Expires.Sub(pr.now) / time.Second)
		hdr.Set("Cache-Control", "private, max-age="+strconv.Itoa(max(age, 0)))
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	pr.w.WriteHeader(http.StatusOK)
	if pr.r.Method != http.MethodHead {
		pr.w.Write(body)
	}
	return nil
}

// writePlaybackError answers e as the REST-JSON APIs do.
func writePlaybackError(w http.ResponseWriter, e *awserr.Error) {
	body := []byte("{}")
	if e.Message != "" {
		body, _ = json.Marshal(map[string]string{"Message": e.Message})
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Cache-Control", "no-store")
	hdr["x-amzn-ErrorType"] = []string{e.Code.Name}
	hdr["x-amz-ErrorType"] = []string{e.Code.Name}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Code.Status)
	w.Write(body)
}
