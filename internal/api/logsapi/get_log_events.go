package logsapi

// GetLogEvents: one log stream's events in ingestion order, a page of at
// most limit events (default and maximum 10,000) and 1 MB (each event's
// message bytes plus 26). Without a token, startFromHead false (the
// default) answers the latest events, true the earliest; "f/" tokens page
// forward from a position, "b/" tokens backward. startTime (inclusive) and
// endTime (exclusive) bound the events' timestamps. nextForwardToken is the
// position after the page (the given token when nothing followed it),
// nextBackwardToken the position before it.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose/deliverylog"
)

var getEventsInput = shape.Struct(
	shape.Opt("logGroupName", groupNameShape),
	shape.Opt("logGroupIdentifier", groupIdentifierShape),
	shape.Req("logStreamName", streamNameShape),
	shape.Opt("startTime", timestampShape),
	shape.Opt("endTime", timestampShape),
	shape.Opt("nextToken", nextTokenShape),
	shape.Opt("limit", eventsLimitShape),
	shape.Opt("startFromHead", shape.Bool()),
	shape.Opt("unmask", shape.Bool()),
).Named("GetLogEventsRequest")

type getEventsIn struct {
	LogGroupName       *string
	LogGroupIdentifier *string
	LogStreamName      string
	StartTime          *int64
	EndTime            *int64
	NextToken          *string
	Limit              *int64
	StartFromHead      *bool
	Unmask             *bool // nothing is masked here
}

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getEventsOut struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

// position is a place between events: after every event ingested before
// Millis and the first N ingested at Millis. It survives rotation (events
// are only ever dropped from the start).
type position struct {
	Millis int64
	N      int
}

func (p position) token(dir byte) string {
	return fmt.Sprintf("%c/%d-%d", dir, p.Millis, p.N)
}

func parseToken(tok string) (dir byte, p position, ok bool) {
	if len(tok) < 3 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' {
		return 0, position{}, false
	}
	ms, n, found := strings.Cut(tok[2:], "-")
	var err1, err2 error
	p.Millis, err1 = strconv.ParseInt(ms, 10, 64)
	p.N, err2 = strconv.Atoi(n)
	if !found || err1 != nil || err2 != nil || p.Millis < 0 || p.N < 0 {
		return 0, position{}, false
	}
	return tok[0], p, true
}

// index is the index of the first event after p.
func index(events []deliverylog.Event, p position) int {
	i := 0
	for i < len(events) && events[i].IngestionTime < p.Millis {
		i++
	}
	for n := 0; n < p.N && i < len(events) && events[i].IngestionTime == p.Millis; n++ {
		i++
	}
	return i
}

// positionAt is the position just before events[i].
func positionAt(events []deliverylog.Event, i int) position {
	if i == 0 {
		if len(events) == 0 {
			return position{}
		}
		return position{Millis: events[0].IngestionTime}
	}
	p := position{Millis: events[i-1].IngestionTime}
	for j := i - 1; j >= 0 && events[j].IngestionTime == p.Millis; j-- {
		p.N++
	}
	return p
}

func (a *API) getEvents(ctx context.Context, in *getEventsIn) (*getEventsOut, error) {
	group, err := groupName(ctx, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	account, region := scope(ctx)
	events, err := a.log.Events(account, region, group, in.LogStreamName)
	if err != nil {
		return nil, wire(err)
	}
	limit := maxEvents
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	inRange := func(e deliverylog.Event) bool {
		return (in.StartTime == nil || e.Timestamp >= *in.StartTime) && (in.EndTime == nil || e.Timestamp < *in.EndTime)
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	from := 0 // forward: the first index to look at
	if !forward {
		from = len(events) // backward: the index to look before
	}
	if in.NextToken != nil {
		dir, p, ok := parseToken(*in.NextToken)
		if !ok {
			return nil, errBadToken()
		}
		forward, from = dir == 'f', index(events, p)
	}
	var first, end int // the page is events[first:end], filtered
	var page []outputEvent
	size := 0
	if forward {
		first, end = from, from
		for ; end < len(events) && len(page) < limit; end++ {
			if e := events[end]; inRange(e) {
				if size += len(e.Message) + eventOverhead; size > maxPageBytes && len(page) > 0 {
					break
				}
				page = append(page, outputEvent{e.Timestamp, e.Message, e.IngestionTime})
			}
		}
	} else {
		first, end = from, from
		for ; first > 0 && len(page) < limit; first-- {
			if e := events[first-1]; inRange(e) {
				if size += len(e.Message) + eventOverhead; size > maxPageBytes && len(page) > 0 {
					break
				}
				page = append(page, outputEvent{e.Timestamp, e.Message, e.IngestionTime})
			}
		}
		for i, j := 0, len(page)-1; i < j; i, j = i+1, j-1 {
			page[i], page[j] = page[j], page[i]
		}
	}
	out := &getEventsOut{Events: page}
	if out.Events == nil {
		out.Events = []outputEvent{}
	}
	out.NextForwardToken = positionAt(events, end).token('f')
	out.NextBackwardToken = positionAt(events, first).token('b')
	if in.NextToken != nil && len(page) == 0 && forward {
		out.NextForwardToken = *in.NextToken // nothing new: the same token, as AWS answers
	}
	return out, nil
}
