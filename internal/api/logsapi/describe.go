package logsapi

// DescribeLogGroups and DescribeLogStreams: the caller's log groups (by
// name; logGroupNamePrefix, logGroupNamePattern (a case-insensitive
// substring), logGroupIdentifiers (names or ARNs) and logGroupClass filter
// them; every group is STANDARD, and there are no linked accounts) and a
// group's log streams (by name, or by LastEventTime; descending; a
// logStreamNamePrefix only with LogStreamName order, as AWS requires).
// Pages hold limit items (1-50, default 50); nextToken is the offset of the
// next item, set only when more follow.

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose/deliverylog"
)

var describeGroupsInput = shape.Struct(
	shape.Opt("accountIdentifiers", shape.ListOf(shape.Str().Len(12, 12).Match(`^\d{12}$`)).Len(0, 20)),
	shape.Opt("logGroupNamePrefix", groupNameShape),
	shape.Opt("logGroupNamePattern", shape.Str().Len(0, 512).Match(`[\.\-_/#A-Za-z0-9]*`)),
	shape.Opt("nextToken", nextTokenShape),
	shape.Opt("limit", describeLimitShape),
	shape.Opt("includeLinkedAccounts", shape.Bool()),
	shape.Opt("logGroupClass", shape.Str().OneOf("STANDARD", "INFREQUENT_ACCESS", "DELIVERY")),
	shape.Opt("logGroupIdentifiers", shape.ListOf(groupIdentifierShape).Len(1, 50)),
).Named("DescribeLogGroupsRequest")

type describeGroupsIn struct {
	AccountIdentifiers    []string
	LogGroupNamePrefix    *string
	LogGroupNamePattern   *string
	NextToken             *string
	Limit                 *int64
	IncludeLinkedAccounts *bool
	LogGroupClass         *string
	LogGroupIdentifiers   []string
}

type logGroup struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeGroupsOut struct {
	LogGroups []logGroup `json:"logGroups"`
	NextToken *string    `json:"nextToken,omitempty"`
}

func (a *API) describeGroups(ctx context.Context, in *describeGroupsIn) (*describeGroupsOut, error) {
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, awserr.New(invalidParameter, "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	if in.LogGroupIdentifiers != nil && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
		return nil, awserr.New(invalidParameter, "LogGroupIdentifiers cannot be combined with LogGroupNamePrefix or LogGroupNamePattern.")
	}
	start, err := offset(in.NextToken)
	if err != nil {
		return nil, err
	}
	account, region := scope(ctx)
	out := &describeGroupsOut{LogGroups: []logGroup{}}
	if in.AccountIdentifiers != nil && !slices.Contains(in.AccountIdentifiers, account) ||
		in.LogGroupClass != nil && *in.LogGroupClass != "STANDARD" {
		return out, nil
	}
	var names []string
	for _, id := range in.LogGroupIdentifiers {
		name, err := groupName(ctx, nil, &id)
		if err == nil {
			names = append(names, name)
		}
	}
	groups, err := a.log.Groups(account, region)
	if err != nil {
		return nil, wire(err)
	}
	var match []deliverylog.Group
	for _, g := range groups {
		switch {
		case in.LogGroupNamePrefix != nil && !strings.HasPrefix(g.Name, *in.LogGroupNamePrefix):
		case in.LogGroupNamePattern != nil && !strings.Contains(strings.ToLower(g.Name), strings.ToLower(*in.LogGroupNamePattern)):
		case in.LogGroupIdentifiers != nil && !slices.Contains(names, g.Name):
		default:
			match = append(match, g)
		}
	}
	page, next := pageOf(match, start, in.Limit)
	for _, g := range page {
		arn := groupARN(region, account, g.Name)
		out.LogGroups = append(out.LogGroups, logGroup{
			LogGroupName: g.Name, CreationTime: g.Created, Arn: arn + ":*", LogGroupArn: arn,
			StoredBytes: g.StoredBytes, LogGroupClass: "STANDARD",
		})
	}
	out.NextToken = next
	return out, nil
}

var describeStreamsInput = shape.Struct(
	shape.Opt("logGroupName", groupNameShape),
	shape.Opt("logGroupIdentifier", groupIdentifierShape),
	shape.Opt("logStreamNamePrefix", streamNameShape),
	shape.Opt("orderBy", shape.Str().OneOf("LogStreamName", "LastEventTime")),
	shape.Opt("descending", shape.Bool()),
	shape.Opt("nextToken", nextTokenShape),
	shape.Opt("limit", describeLimitShape),
).Named("DescribeLogStreamsRequest")

type describeStreamsIn struct {
	LogGroupName        *string
	LogGroupIdentifier  *string
	LogStreamNamePrefix *string
	OrderBy             *string
	Descending          *bool
	NextToken           *string
	Limit               *int64
}

type logStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime,omitempty"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

type describeStreamsOut struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  *string     `json:"nextToken,omitempty"`
}

func (a *API) describeStreams(ctx context.Context, in *describeStreamsIn) (*describeStreamsOut, error) {
	group, err := groupName(ctx, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	byTime := in.OrderBy != nil && *in.OrderBy == "LastEventTime"
	if byTime && in.LogStreamNamePrefix != nil {
		return nil, awserr.New(invalidParameter, "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	start, err := offset(in.NextToken)
	if err != nil {
		return nil, err
	}
	account, region := scope(ctx)
	streams, err := a.log.Streams(account, region, group)
	if err != nil {
		return nil, wire(err)
	}
	if in.LogStreamNamePrefix != nil {
		streams = slices.DeleteFunc(streams, func(s deliverylog.Stream) bool { return !strings.HasPrefix(s.Name, *in.LogStreamNamePrefix) })
	}
	if byTime {
		slices.SortStableFunc(streams, func(a, b deliverylog.Stream) int { return cmp.Compare(a.LastEvent, b.LastEvent) })
	}
	if in.Descending != nil && *in.Descending {
		slices.Reverse(streams)
	}
	page, next := pageOf(streams, start, in.Limit)
	out := &describeStreamsOut{LogStreams: []logStream{}, NextToken: next}
	for _, s := range page {
		out.LogStreams = append(out.LogStreams, logStream{
			LogStreamName: s.Name, CreationTime: s.Created, FirstEventTimestamp: s.FirstEvent, LastEventTimestamp: s.LastEvent,
			LastIngestionTime: s.LastIngestion, Arn: groupARN(region, account, group) + ":log-stream:" + s.Name, StoredBytes: s.StoredBytes,
		})
	}
	return out, nil
}

// offset parses a describe nextToken ("o/<offset>").
func offset(tok *string) (int, error) {
	if tok == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(*tok, "o/"))
	if err != nil || n < 0 || !strings.HasPrefix(*tok, "o/") {
		return 0, errBadToken()
	}
	return n, nil
}

// pageOf cuts a page of limit items (default 50) from start, with the
// token of the next page when more follow.
func pageOf[T any](items []T, start int, limit *int64) ([]T, *string) {
	n := defaultDescribe
	if limit != nil {
		n = int(*limit)
	}
	if start >= len(items) {
		return nil, nil
	}
	end := min(start+n, len(items))
	if end == len(items) {
		return items[start:end], nil
	}
	tok := "o/" + strconv.Itoa(end)
	return items[start:end], &tok
}
