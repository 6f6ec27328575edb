package logsapi

// FilterLogEvents: the events of a log group's streams (all, those named
// by logStreamNames, or those starting with logStreamNamePrefix, not both)
// whose timestamp is in [startTime, endTime) and whose message matches
// filterPattern (see pattern.go), ordered by timestamp, then log stream,
// then ingestion; a page holds at most limit events (default and maximum
// 10,000) and 1 MB, and nextToken is set only when more events follow.
// eventId is stable across calls (the stream and the event's ingestion
// position), so a follower polling from a timestamp can skip the events it
// has seen, as `aws logs tail --follow` does.

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose/deliverylog"
)

var filterEventsInput = shape.Struct(
	shape.Opt("logGroupName", groupNameShape),
	shape.Opt("logGroupIdentifier", groupIdentifierShape),
	shape.Opt("logStreamNames", shape.ListOf(streamNameShape).Len(1, 100)),
	shape.Opt("logStreamNamePrefix", streamNameShape),
	shape.Opt("startTime", timestampShape),
	shape.Opt("endTime", timestampShape),
	shape.Opt("filterPattern", shape.Str().Len(0, 1024)),
	shape.Opt("nextToken", nextTokenShape),
	shape.Opt("limit", eventsLimitShape),
	shape.Opt("interleaved", shape.Bool()),
	shape.Opt("unmask", shape.Bool()),
).Named("FilterLogEventsRequest")

type filterEventsIn struct {
	LogGroupName        *string
	LogGroupIdentifier  *string
	LogStreamNames      []string
	LogStreamNamePrefix *string
	StartTime           *int64
	EndTime             *int64
	FilterPattern       *string
	NextToken           *string
	Limit               *int64
	Interleaved         *bool // deprecated: events are always interleaved
	Unmask              *bool
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type filterEventsOut struct {
	Events             []filteredEvent  `json:"events"`
	SearchedLogStreams []searchedStream `json:"searchedLogStreams"`
	NextToken          *string          `json:"nextToken,omitempty"`
}

// filterKey orders FilterLogEvents' events; a nextToken is the last
// returned event's key.
type filterKey struct {
	Timestamp int64  `json:"t"`
	Stream    string `json:"s"`
	Ingestion int64  `json:"i"`
	N         int    `json:"n"` // among the stream's events ingested at Ingestion
}

func compareKeys(a, b filterKey) int {
	return cmp.Or(cmp.Compare(a.Timestamp, b.Timestamp), strings.Compare(a.Stream, b.Stream),
		cmp.Compare(a.Ingestion, b.Ingestion), cmp.Compare(a.N, b.N))
}

func (k filterKey) token() string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseFilterToken(tok string) (filterKey, bool) {
	var k filterKey
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || json.Unmarshal(b, &k) != nil {
		return filterKey{}, false
	}
	return k, true
}

func (k filterKey) eventID() string {
	h := fnv.New64a()
	h.Write([]byte(k.Stream))
	return strconv.FormatInt(k.Ingestion, 10) + "-" + strconv.Itoa(k.N) + "-" + strconv.FormatUint(h.Sum64(), 16)
}

type keyedEvent struct {
	key filterKey
	ev  deliverylog.Event
}

func (a *API) filterEvents(ctx context.Context, in *filterEventsIn) (*filterEventsOut, error) {
	group, err := groupName(ctx, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, awserr.New(invalidParameter, "You cannot specify both LogStreamNames and LogStreamNamePrefix.")
	}
	var pat pattern
	if in.FilterPattern != nil {
		if pat, err = parsePattern(*in.FilterPattern); err != nil {
			return nil, awserr.New(invalidParameter, "%s", err.Error())
		}
	}
	var after *filterKey
	if in.NextToken != nil {
		k, ok := parseFilterToken(*in.NextToken)
		if !ok {
			return nil, errBadToken()
		}
		after = &k
	}
	account, region := scope(ctx)
	streams, err := a.log.Streams(account, region, group)
	if err != nil {
		return nil, wire(err)
	}
	out := &filterEventsOut{Events: []filteredEvent{}, SearchedLogStreams: []searchedStream{}}
	var all []keyedEvent
	for _, s := range streams {
		switch {
		case in.LogStreamNames != nil && !slices.Contains(in.LogStreamNames, s.Name):
			continue
		case in.LogStreamNamePrefix != nil && !strings.HasPrefix(s.Name, *in.LogStreamNamePrefix):
			continue
		}
		events, err := a.log.Events(account, region, group, s.Name)
		if err != nil {
			continue // removed meanwhile
		}
		out.SearchedLogStreams = append(out.SearchedLogStreams, searchedStream{LogStreamName: s.Name, SearchedCompletely: true})
		n, last := 0, int64(-1)
		for _, e := range events {
			if e.IngestionTime != last {
				n, last = 0, e.IngestionTime
			}
			k := filterKey{Timestamp: e.Timestamp, Stream: s.Name, Ingestion: e.IngestionTime, N: n}
			n++
			if (in.StartTime != nil && e.Timestamp < *in.StartTime) || (in.EndTime != nil && e.Timestamp >= *in.EndTime) ||
				(after != nil && compareKeys(k, *after) <= 0) || !pat.match(e.Message) {
				continue
			}
			all = append(all, keyedEvent{k, e})
		}
	}
	slices.SortFunc(all, func(a, b keyedEvent) int { return compareKeys(a.key, b.key) })
	limit := maxEvents
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	size := 0
	for i, ke := range all {
		size += len(ke.ev.Message) + eventOverhead
		if i == limit || (size > maxPageBytes && i > 0) {
			tok := all[i-1].key.token()
			out.NextToken = &tok
			break
		}
		out.Events = append(out.Events, filteredEvent{
			LogStreamName: ke.key.Stream, Timestamp: ke.ev.Timestamp, Message: ke.ev.Message,
			IngestionTime: ke.ev.IngestionTime, EventID: ke.key.eventID(),
		})
	}
	return out, nil
}
