package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"time"

	"sluice/internal/firehose"
	"sluice/internal/storage"
	"sluice/internal/streams"
)

// healthHandler serves GET /healthcheck: 200 {"status":"ok"} while every
// log takes writes, and 503 {"status":"failing", ...} while one cannot (a
// full or failing disk, a log that did not open), naming each. Quarantined
// logs (found without metadata, see package storage) are listed but do not
// fail the check: they need an operator, not a restart, and restarting on a
// failed check would not bring them back. Like /metrics it is
// unauthenticated and carries names and reasons, never record data.
func healthHandler(recs storage.RecordStore, st *streams.Service, fh *firehose.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		h := recs.Health()
		owners := logOwners(st, fh)
		type failing struct {
			Log     string `json:"log"`
			Kind    string `json:"kind,omitempty"`
			Name    string `json:"name,omitempty"`
			Account string `json:"account,omitempty"`
			Region  string `json:"region,omitempty"`
			Since   string `json:"since"`
			Reason  string `json:"reason"`
		}
		out := struct {
			Status      string    `json:"status"`
			Failing     []failing `json:"failing,omitempty"`
			Quarantined []string  `json:"quarantined,omitempty"`
		}{Status: "ok", Quarantined: h.Quarantined}
		for _, f := range h.Failing {
			o := owners[f.ID]
			reason := "its storage could not be opened at start (the server log says why)"
			if errors.Is(f.Err, storage.ErrWriteFailed) {
				reason = "writes fail: " + storage.FailureReason(f.Err)
			}
			out.Failing = append(out.Failing, failing{
				Log: f.ID, Kind: o.kind, Name: o.name, Account: o.account, Region: o.region,
				Since: f.Since.UTC().Format(time.RFC3339), Reason: reason,
			})
		}
		sort.Slice(out.Failing, func(i, j int) bool { return out.Failing[i].Log < out.Failing[j].Log })
		sort.Strings(out.Quarantined)
		status := http.StatusOK
		if len(out.Failing) > 0 {
			out.Status, status = "failing", http.StatusServiceUnavailable
		}
		b, _ := json.Marshal(out)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		w.Write(b)
	}
}

type logOwner struct{ kind, name, account, region string }

// logOwners maps log IDs to the stream or delivery stream they hold.
func logOwners(st *streams.Service, fh *firehose.Service) map[string]logOwner {
	owners := map[string]logOwner{}
	for _, s := range st.Stats() {
		owners[s.Stream.ID] = logOwner{"stream", s.Stream.Name, s.Stream.Account, s.Stream.Region}
	}
	if fh == nil { // a cluster worker runs Data Streams only
		return owners
	}
	fh.Each(func(ds *firehose.DeliveryStream, _ *firehose.Metrics) {
		owners[firehose.LogPrefix+ds.ID] = logOwner{"delivery-stream", ds.Name, ds.Account, ds.Region}
	})
	return owners
}
