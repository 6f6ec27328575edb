// Package opensearchtest is a small in-memory OpenSearch cluster for tests:
// an httptest server that implements the _bulk API's documented request
// and response formats (index actions only), so that Firehose's OpenSearch
// destination can be tested end to end without a real cluster — none is
// installable on the machines Sluice is built on (OpenSearch and
// Elasticsearch are in neither Debian nor npm).
//
//	srv := opensearchtest.New()
//	defer srv.Close()
//	// deliver to srv.URL …
//	docs := srv.Docs("myindex-2016-02-25")
//
// What it reproduces:
//
//   - POST /_bulk and /<index>/_bulk; a Content-Type other than
//     application/json or application/x-ndjson is refused with 406; the
//     body must end with a newline; malformed action lines, unknown action
//     metadata, a missing index and (Options) explicit indices or _type
//     fail the whole request with 400 and an error object.
//   - Per item: creation (201 "created") or replacement by _id (200
//     "updated", _version incremented), generated IDs without _id, invalid
//     index names, sources that are not JSON objects (mapper_parsing_exception),
//     a top-level dynamic mapping whose conflicts fail the document, one
//     type per index, and (Options.Serverless) refused document IDs.
//   - Injected failures: FailNext fails whole requests (429 rejected
//     execution, 5xx), FailDocs fails chosen documents inside a 200.
//   - Options.Username: basic authentication, 401 otherwise.
//
// It is not a search engine: nothing but _bulk and GET / is served, and
// documents are read back with Docs.
package opensearchtest
