package console

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/sigv4"
	"sluice/internal/metrics"
	"sluice/internal/objectstore"
	"sluice/internal/policy"
)

//go:embed assets
var assets embed.FS

// Options configure the console.
type Options struct {
	// Keys are the credentials users sign in with; nil opens the console
	// without signing in (--auth open), acting for AccountID.
	Keys *sigv4.Keyring
	// Principal is who a signed-in key is, with its policies: the
	// console's calls act with the key's permissions. Nil: every key is
	// its account's root.
	Principal func(key sigv4.Key) policy.Caller
	AccountID string
	// Region is the region the console's calls act in.
	Region string
	// Services are the API's services, served to the page through its
	// session (see the package doc).
	Services []*awsproto.Service
	// REST are the REST-JSON services (Kinesis Video Streams), served to
	// the page the same way at POST /console/rest/<operation path>.
	REST []*awsproto.RESTService
	// BodyBudget is the API's budget of request bodies in memory, shared
	// with the console's calls (nil: a default one of the console's own).
	BodyBudget *awsproto.Budget
	// Audit and KeyLimit are the API's audit log and per-key rate limit,
	// which the console's calls go through too (nil: none).
	Audit    awsproto.Auditor
	KeyLimit *awsproto.KeyLimiter
	// Metrics returns a stream's per-minute figures for the caller.
	Metrics func(c awsproto.Caller, stream string, minutes int) ([]metrics.Point, error)
	// Firehose serves the Firehose pages' reads beyond the API.
	Firehose FirehoseBackend
	// FirehoseFailures lists a delivery stream's recent delivery errors,
	// newest first (firehose_failures.go); nil: none are shown.
	FirehoseFailures func(c awsproto.Caller, name string) ([]FirehoseFailure, error)
	// Analytics serves the Data Analytics live view; nil when the server
	// has no SQL engine.
	Analytics AnalyticsBackend
	// Cluster returns the cluster's status (package cluster's Status, as
	// GET /cluster/status serves it) in cluster mode; nil on a single node.
	Cluster func(ctx context.Context) (any, error)
	Logger  *slog.Logger
	Now     func() time.Time
}

// FirehoseBackend is what the Firehose pages read beyond the API.
type FirehoseBackend interface {
	Metrics(c awsproto.Caller, name string, minutes int) ([]metrics.Point, error)
	Objects(c awsproto.Caller, bucket string) ([]objectstore.Info, error)
	Object(c awsproto.Caller, bucket, key string) ([]byte, int64, error)
}

// Console is the console's http.Handler, for `GET /` and `/console/`.
type Console struct {
	opts     Options
	sessions *sessions
	signIns  *signInLimiter
	auth     sessionAuth
	api      http.Handler
	rest     http.Handler
	mux      *http.ServeMux
}

// New returns the console.
func New(opts Options) *Console {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Console{opts: opts, sessions: newSessions(opts.Now), signIns: newSignInLimiter(opts.Now)}
	auth := sessionAuth{region: opts.Region, keys: opts.Keys, principal: opts.Principal, now: opts.Now}
	c.auth = auth
	apiOpts := awsproto.HandlerOptions{Auth: auth, Logger: opts.Logger, Budget: opts.BodyBudget, Audit: opts.Audit, KeyLimit: opts.KeyLimit}
	c.api = awsproto.NewHandler(apiOpts, opts.Services...)
	c.rest = awsproto.NewRESTHandler(apiOpts, opts.REST...)
	static, _ := fs.Sub(assets, "assets")
	files := http.StripPrefix("/console/assets/", http.FileServerFS(static))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", c.index)
	mux.HandleFunc("GET /console/{$}", c.index)
	mux.Handle("GET /console/assets/", secured(files))
	mux.HandleFunc("GET /console/session", c.session)
	mux.HandleFunc("POST /console/login", c.login)
	mux.HandleFunc("POST /console/logout", c.logout)
	mux.HandleFunc("POST /console/api", c.withSession(true, c.api.ServeHTTP))
	mux.HandleFunc("POST /console/rest/{op}", c.withSession(true, c.restCall))
	mux.HandleFunc("GET /console/metrics", c.withSession(false, c.metrics))
	mux.HandleFunc("GET /console/objects", c.withSession(false, c.objects))
	mux.HandleFunc("GET /console/object", c.withSession(false, c.object))
	mux.HandleFunc("GET /console/firehose/failures", c.withSession(false, c.firehoseFailures))
	mux.HandleFunc("GET /console/analytics/live", c.withSession(false, c.live))
	mux.HandleFunc("GET /console/cluster", c.withSession(false, c.cluster))
	mux.HandleFunc("/console/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSONError(w, http.StatusNotFound, "NotFound", "No such console page.")
	})
	c.mux = mux
	return c
}

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.mux.ServeHTTP(w, r) }

// contentSecurityPolicy lets the page load only the console's own files;
// images may also be data: URLs (GetImages' thumbnails, base64 in JSON)
// and media blob: URLs (hls.js plays HLS through Media Source Extensions,
// whose object URLs are blob:).
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; frame-ancestors 'none'; form-action 'self'"

// secured sets the headers every console answer carries: no framing (no
// clickjacking), no content sniffing, and scripts only from the console.
func secured(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", contentSecurityPolicy)
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

func (c *Console) index(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("assets/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	secured(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(b)
	})).ServeHTTP(w, r)
}

// sessionInfo is what GET /console/session tells the page.
type sessionInfo struct {
	Auth        string `json:"auth"` // "open" or "sigv4"
	SignedIn    bool   `json:"signedIn"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	Region      string `json:"region"`
	CSRF        string `json:"csrf,omitempty"`
	// Cluster says the server runs in cluster mode: the page offers its
	// Cluster page (GET /console/cluster).
	Cluster bool `json:"cluster"`
}

func (c *Console) authMode() string {
	if c.opts.Keys == nil {
		return "open"
	}
	return "sigv4"
}

// session reports the browser's session; under --auth open it starts one.
func (c *Console) session(w http.ResponseWriter, r *http.Request) {
	info := sessionInfo{Auth: c.authMode(), Region: c.opts.Region, Cluster: c.opts.Cluster != nil}
	_, se := c.sessions.fromRequest(r)
	if se == nil && c.opts.Keys == nil {
		var token string
		token, se = c.sessions.create("console", c.opts.AccountID)
		setCookie(w, r, token, int(SessionLifetime/time.Second))
	}
	if se != nil {
		info.SignedIn, info.AccessKeyID, info.AccountID, info.CSRF = true, se.accessKeyID, se.accountID, se.csrf
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, info)
}

// login checks an access key and secret against the credentials file and
// starts a session for the key.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeJSONError(w, http.StatusForbidden, "AccessDeniedException", "Cross-origin sign-in is not allowed.")
		return
	}
	if c.opts.Keys == nil {
		writeJSONError(w, http.StatusBadRequest, "InvalidArgumentException", "The server runs with --auth open: there is nothing to sign in to.")
		return
	}
	var in struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
	}
	// A sign-in body is small: a client that drips it is cut, and its
	// connection is not kept to drain the rest.
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(signInBodyTimeout))
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSONError(w, http.StatusBadRequest, "SerializationException", "The sign-in request is not a JSON object.")
		return
	}
	client := policy.HostIP(r.RemoteAddr)
	if wait, ok := c.signIns.admit(client, in.AccessKeyID); !ok {
		c.opts.Logger.Warn("console sign-in throttled", "client", client, "access_key_id", in.AccessKeyID)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		writeJSONError(w, http.StatusTooManyRequests, "ThrottlingException", "Too many sign-in attempts. Wait and try again.")
		return
	}
	key, ok := c.opts.Keys.Lookup(in.AccessKeyID)
	// The same answer for an unknown key and a wrong secret, and the secret
	// compared in constant time, so neither can be probed.
	if !ok || subtle.ConstantTimeCompare([]byte(in.SecretAccessKey), []byte(key.SecretAccessKey)) != 1 {
		c.opts.Logger.Warn("console sign-in refused", "client", client, "access_key_id", in.AccessKeyID)
		writeJSONError(w, http.StatusUnauthorized, "UnrecognizedClientException", "The access key ID or secret access key is not valid.")
		return
	}
	token, se := c.sessions.create(key.AccessKeyID, key.AccountID)
	setCookie(w, r, token, int(SessionLifetime/time.Second))
	writeJSON(w, http.StatusOK, sessionInfo{Auth: "sigv4", SignedIn: true, AccessKeyID: se.accessKeyID, AccountID: se.accountID, Region: c.opts.Region, CSRF: se.csrf, Cluster: c.opts.Cluster != nil})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	token, se := c.sessions.fromRequest(r)
	if se != nil {
		if !se.checkCSRF(r) {
			writeJSONError(w, http.StatusForbidden, "AccessDeniedException", "The request has no valid CSRF token.")
			return
		}
		c.sessions.delete(token)
	}
	setCookie(w, r, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

// withSession runs h for a request with a live session (and, when
// changing is set, the session's CSRF token), with the session's caller
// in the context.
func (c *Console) withSession(changing bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, se := c.sessions.fromRequest(r)
		if se == nil {
			writeJSONError(w, http.StatusUnauthorized, "UnrecognizedClientException", "Sign in to the console first: the session is missing or has expired.")
			return
		}
		if changing && !se.checkCSRF(r) {
			writeJSONError(w, http.StatusForbidden, "AccessDeniedException", "The request has no valid CSRF token.")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, se)))
	}
}

type sessionKey struct{}

// sessionAuth authenticates the console's API calls by their session
// (withSession put it in the context): the caller is the signed-in key,
// with that key's policies.
type sessionAuth struct {
	region    string
	keys      *sigv4.Keyring
	principal func(key sigv4.Key) policy.Caller
	now       func() time.Time
}

func (a sessionAuth) Authenticate(r *http.Request, _ string) (awsproto.Caller, awsproto.BodyCheck, error) {
	se, _ := r.Context().Value(sessionKey{}).(*session)
	if se == nil {
		return awsproto.Caller{}, awsproto.BodyCheck{}, awserr.New(awserr.UnrecognizedClientException, "The security token included in the request is invalid.")
	}
	who, err := a.who(se, r)
	if err != nil {
		return awsproto.Caller{}, awsproto.BodyCheck{}, err
	}
	return awsproto.Caller{AccountID: se.accountID, Region: a.region, AccessKeyID: se.accessKeyID, Auth: who}, awsproto.BodyCheck{}, nil
}

// who is the session's key as a principal with its policies, and the
// request's facts.
func (a sessionAuth) who(se *session, r *http.Request) (*policy.Caller, error) {
	who := policy.Root(se.accountID)
	if a.keys != nil {
		key, ok := a.keys.Lookup(se.accessKeyID)
		if !ok {
			return nil, awserr.New(awserr.UnrecognizedClientException, "The security token included in the request is invalid.")
		}
		if a.principal != nil {
			who = a.principal(key)
		}
	}
	return awsproto.RequestFacts(r, a.region, who, a.now()), nil
}

// permit checks that the signed-in key may perform action on resource,
// for the console's reads that are not API calls (delivered objects, live
// rows, metrics); on a denial it answers AccessDeniedException (403).
func (c *Console) permit(w http.ResponseWriter, r *http.Request, action, resource string) bool {
	se := r.Context().Value(sessionKey{}).(*session)
	who, err := c.auth.who(se, r)
	if err != nil {
		writeAWSError(w, err)
		return false
	}
	if d := who.Check(action, resource, se.accountID, nil); !d.Allowed {
		writeJSONError(w, http.StatusForbidden, "AccessDeniedException", who.DeniedMessage(action, resource, se.accountID, d))
		return false
	}
	return true
}

// arn formats an ARN of the console's account and region.
func (c *Console) arn(r *http.Request, service, resource string) string {
	se := r.Context().Value(sessionKey{}).(*session)
	return "arn:aws:" + service + ":" + c.opts.Region + ":" + se.accountID + ":" + resource
}

// metricsAnswer is GET /console/metrics: the names, then one row of values
// per minute.
type metricsAnswer struct {
	Names  []string       `json:"names"`
	Points []metricsPoint `json:"points"`
}

type metricsPoint struct {
	Time   int64   `json:"t"` // Unix seconds of the minute's start
	Values []int64 `json:"v"`
}

func (c *Console) metrics(w http.ResponseWriter, r *http.Request) {
	se := r.Context().Value(sessionKey{}).(*session)
	q := r.URL.Query()
	minutes, err := strconv.Atoi(q.Get("minutes"))
	if err != nil || minutes < 1 || minutes > metrics.Window {
		writeJSONError(w, http.StatusBadRequest, "InvalidArgumentException", "minutes must be a whole number from 1 to "+strconv.Itoa(metrics.Window)+".")
		return
	}
	if !c.permit(w, r, "cloudwatch:GetMetricData", "*") {
		return
	}
	caller := c.caller(se)
	var points []metrics.Point
	if name := q.Get("firehose"); name != "" && c.opts.Firehose != nil {
		points, err = c.opts.Firehose.Metrics(caller, name, minutes)
	} else {
		points, err = c.opts.Metrics(caller, q.Get("stream"), minutes)
	}
	if err != nil {
		e := awserr.As(err)
		writeJSONError(w, e.Code.Status, e.Code.Name, e.Message)
		return
	}
	out := metricsAnswer{Points: make([]metricsPoint, len(points))}
	for _, n := range metrics.Names() {
		out.Names = append(out.Names, n.String())
	}
	for i, p := range points {
		out.Points[i] = metricsPoint{Time: p.Minute.Unix(), Values: p.Values[:]}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

func (c *Console) caller(se *session) awsproto.Caller {
	return awsproto.Caller{AccountID: se.accountID, Region: c.opts.Region, AccessKeyID: se.accessKeyID}
}

func writeAWSError(w http.ResponseWriter, err error) {
	e := awserr.As(err)
	writeJSONError(w, e.Code.Status, e.Code.Name, e.Message)
}

// objects lists a Firehose bucket in the local directory.
func (c *Console) objects(w http.ResponseWriter, r *http.Request) {
	if c.opts.Firehose == nil {
		writeJSONError(w, http.StatusNotFound, "NotFound", "Firehose is not served here.")
		return
	}
	if !c.permit(w, r, "s3:ListBucket", "arn:aws:s3:::"+r.URL.Query().Get("bucket")) {
		return
	}
	list, err := c.opts.Firehose.Objects(c.caller(r.Context().Value(sessionKey{}).(*session)), r.URL.Query().Get("bucket"))
	if err != nil {
		writeAWSError(w, err)
		return
	}
	type item struct {
		Key      string `json:"key"`
		Size     int64  `json:"size"`
		Modified int64  `json:"modified"`
	}
	out := struct {
		Objects []item `json:"objects"`
	}{Objects: []item{}}
	for _, o := range list {
		out.Objects = append(out.Objects, item{o.Key, o.Size, o.Modified.Unix()})
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// object returns the start of a delivered object, base64 in JSON (the page
// shows it as text or hex).
func (c *Console) object(w http.ResponseWriter, r *http.Request) {
	if c.opts.Firehose == nil {
		writeJSONError(w, http.StatusNotFound, "NotFound", "Firehose is not served here.")
		return
	}
	q := r.URL.Query()
	if !c.permit(w, r, "s3:GetObject", "arn:aws:s3:::"+q.Get("bucket")+"/"+q.Get("key")) {
		return
	}
	data, size, err := c.opts.Firehose.Object(c.caller(r.Context().Value(sessionKey{}).(*session)), q.Get("bucket"), q.Get("key"))
	if err != nil {
		writeAWSError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, struct {
		Key       string `json:"key"`
		Size      int64  `json:"size"`
		Data      []byte `json:"data"`
		Truncated bool   `json:"truncated"`
	}{q.Get("key"), size, data, int64(len(data)) < size})
}

// sameOrigin reports whether a browser request came from the console's own
// origin; requests without an Origin header (not from a browser's
// cross-origin fetch or form) pass.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeJSONError answers in the shape of an AWS JSON error, which the page
// shows the same way as the API's own.
func writeJSONError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("X-Amzn-ErrorType", code)
	writeJSON(w, status, map[string]string{"__type": code, "message": message})
}
