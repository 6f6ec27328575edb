package console

import (
	"strings"

	"sluice/internal/analytics"
	"sluice/internal/analytics/runtime"
	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
)

// RuntimeLive is the AnalyticsBackend over the SQL engine (package
// analytics/runtime), which keeps the recent rows of each running
// application's in-application streams, and the control plane, which says
// which of them the source feeds.
func RuntimeLive(rt *runtime.Runtime, apps *analytics.Service) AnalyticsBackend {
	return runtimeLive{rt: rt, apps: apps}
}

type runtimeLive struct {
	rt   *runtime.Runtime
	apps *analytics.Service
}

// Live implements AnalyticsBackend: the runtime's rows, newest first, at
// most rows of each stream.
func (l runtimeLive) Live(c awsproto.Caller, name string, rows int) (bool, []LiveStream, error) {
	app, err := l.apps.Describe(analytics.Caller{Account: c.AccountID, Region: c.Region}, name)
	if err != nil {
		if analytics.KindOf(err) == analytics.KindNotFound {
			return false, nil, awserr.New(awserr.ResourceNotFoundException, "%s", err.Error())
		}
		return false, nil, err
	}
	sources := map[string]bool{}
	for _, in := range app.Inputs {
		for _, s := range in.StreamNames() {
			sources[s] = true
		}
	}
	streams, ok := l.rt.Live(c.AccountID, c.Region, app.Name)
	if !ok {
		return false, nil, nil
	}
	out := make([]LiveStream, len(streams))
	for i, s := range streams {
		kind := "stream"
		switch {
		case strings.EqualFold(s.Name, "error_stream"):
			kind = "error"
		case sources[s.Name]:
			kind = "source"
		}
		recent := s.Rows[max(0, len(s.Rows)-rows):]
		newest := make([][]*string, len(recent))
		for j, r := range recent {
			newest[len(recent)-1-j] = r
		}
		out[i] = LiveStream{Name: s.Name, Kind: kind, Columns: s.Columns, Rows: newest, Total: s.Total}
	}
	return true, out, nil
}
