// Package splunktest is a small in-memory Splunk HTTP Event Collector for
// tests: an httptest server that implements HEC's documented request and
// response formats and indexer acknowledgement, so that Firehose's Splunk
// destination can be tested end to end without a real Splunk — none is
// installable on the machines Sluice is built on (Splunk is in neither
// Debian nor npm).
//
//	srv := splunktest.New() // accepts splunktest.DefaultToken, acknowledgement enabled
//	defer srv.Close()
//	// deliver to srv.URL …
//	events := srv.Events()
//
// What it reproduces:
//
//   - POST /services/collector[/event] (concatenated HEC event objects),
//     /services/collector/raw (one event per non-empty line) and
//     /services/collector/ack ({"acks":[ids]} → {"acks":{"id":bool}});
//     GET /services/collector/health.
//   - "Authorization: Splunk <token>" (or basic authentication with the
//     token as password): codes 2, 3, 4 and, for a disabled token, 1.
//   - Channels (X-Splunk-Request-Channel or ?channel=, GUIDs): required by
//     raw requests and whenever acknowledgement is enabled (10), malformed
//     or unknown to the acknowledgement endpoint (11).
//   - Event bodies: no data (5), not JSON objects (6, with
//     invalid-event-number), missing or null event (12), blank event (13),
//     nested indexed fields (15), an index outside Options.Indexes (7). A
//     request with a bad event is refused whole.
//   - Acknowledgement: ackIds per channel from 0, reported true once and
//     then forgotten; AckAfter delays them, HoldAcks withholds them,
//     Options.AckDisabled answers without ackIds and /ack with 14, and
//     Options.Sticky emulates a load balancer with sticky sessions.
//   - Injected failures: FailNext answers data requests with any HEC code.
//
// It indexes nothing: events are read back with Events and Bodies.
package splunktest
