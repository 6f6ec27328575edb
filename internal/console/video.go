package console

import (
	"net/http"
	"strings"
)

// restCall is POST /console/rest/{op}: a REST-JSON operation (Kinesis
// Video Streams' `POST /createStream`, `/listFragments`, ...) called with
// the session's identity. The page posts the very JSON body an SDK would
// send; the console's REST handler routes it by the path /{op}, so the
// page reaches exactly the operations the server routes, with the API's
// validation and errors (REST-JSON's x-amzn-ErrorType and {"Message"}).
func (c *Console) restCall(w http.ResponseWriter, r *http.Request) {
	op := r.PathValue("op")
	if op == "" || strings.ContainsAny(op, "/?#") {
		writeJSONError(w, http.StatusNotFound, "UnknownOperationException", "No such operation.")
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = "/"+op, ""
	c.rest.ServeHTTP(w, r2)
}
