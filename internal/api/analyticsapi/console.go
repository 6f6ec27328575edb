package analyticsapi

import (
	"sluice/internal/analytics"
	"sluice/internal/analytics/runtime"
	"sluice/internal/awsproto"
	"sluice/internal/console"
)

// ConsoleBackend gives the console the live view of running applications
// (console.AnalyticsBackend): the recent rows of each in-application
// stream, from the runtime.
type ConsoleBackend struct {
	Svc     *analytics.Service
	Runtime *runtime.Runtime
}

// Live implements console.AnalyticsBackend: an application of the caller's
// (ResourceNotFoundException otherwise), its streams with up to rows recent
// rows each, newest first.
func (b ConsoleBackend) Live(c awsproto.Caller, application string, rows int) (bool, []console.LiveStream, error) {
	ac := analytics.Caller{Account: c.AccountID, Region: c.Region}
	if _, err := b.Svc.Describe(ac, application); err != nil {
		return false, nil, wireV1(err)
	}
	live, ok := b.Runtime.Live(ac.Account, ac.Region, application)
	if !ok {
		return false, nil, nil
	}
	out := make([]console.LiveStream, len(live))
	for i, s := range live {
		n := min(rows, len(s.Rows))
		newest := make([][]*string, n)
		for j := range n {
			newest[j] = s.Rows[len(s.Rows)-1-j]
		}
		out[i] = console.LiveStream{Name: s.Name, Kind: s.Kind, Columns: s.Columns, Rows: newest, Total: s.Total}
	}
	return true, out, nil
}
