// Package console serves Sluice's web console: the pages of the AWS
// Kinesis console for Data Streams, Firehose, Data Analytics (SQL
// applications) and Video Streams, on the server's own port. Each service
// has its own section: one JavaScript module (assets/firehose.js, with
// the create form in firehose-create.js and the destination kinds and
// their description rendering in firehose-kinds.js; assets/analytics.js
// with its helpers analytics-*.js, the SQL editor in sqleditor.js;
// assets/video.js with video-player.js and video-timeline.js; in cluster
// mode, assets/cluster.js) and its own browser test.
//
// The pages are static files embedded in the binary (assets/), plain HTML,
// CSS and JavaScript with no build step; charts are drawn as SVG by the page
// itself, since a handful of line charts do not justify a library. The one
// library is the HLS player, hls.js (Apache-2.0), vendored with its licence
// in assets/vendor/hls.js/ at the version test/js's lock pins (a test
// compares the two), loaded only on a video stream's page, and only where
// the browser has no HLS of its own; so the Content-Security-Policy lets
// media come from blob: URLs (Media Source Extensions), and the playback
// URLs, served on the same port, are same-origin.
//
// Every action the page takes is an AWS API call: the page posts the very
// JSON body an SDK would send, with its X-Amz-Target, to /console/api, and
// the console hands it to the same protocol handler that serves `POST /`.
// The REST-JSON services (Kinesis Video Streams: `POST /createStream`,
// `/listFragments`, ...) go the same way through POST
// /console/rest/<operation path>, to a REST handler of the same
// operations.
// Only the authentication differs: instead of a SigV4 signature, the request
// carries a session cookie, and the session stands for the access key that
// signed in. So the console can never do more than that key can do through
// the API, and it gets the API's validation and error messages for free.
//
// Sessions: with --auth sigv4 a user signs in with an access key ID and
// secret from the credentials file; with --auth open the console opens
// directly with a session for the server's default account. The cookie is
// HttpOnly and SameSite=Strict; every state-changing request must also carry
// the session's CSRF token in a header, which a page from another origin
// cannot read; sessions live in memory (a restart signs everyone out).
//
// A few reads have no API operation and are served beside the API, with
// the session's identity: per-minute metrics (/console/metrics), a
// Firehose bucket's delivered objects in the local directory
// (/console/objects, /console/object), and the recent rows of a running
// Data Analytics application's in-application streams
// (/console/analytics/live, from the SQL engine), and in cluster mode the
// cluster's nodes, owner and placement (/console/cluster, from etcd).
package console
