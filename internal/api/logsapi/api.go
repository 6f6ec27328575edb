package logsapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose/deliverylog"
)

// TargetPrefix and SigningName identify the service on the wire.
const (
	TargetPrefix = "Logs_20140328"
	SigningName  = "logs"
)

// invalidParameter is CloudWatch Logs' InvalidParameterException.
var invalidParameter = awserr.Code{Name: "InvalidParameterException", Status: http.StatusBadRequest}

// API serves the operations.
type API struct {
	log *deliverylog.Log
}

// New returns the CloudWatch Logs service description.
func New(log *deliverylog.Log) *awsproto.Service {
	a := &API{log: log}
	svc := awsproto.NewService(TargetPrefix, SigningName,
		awsproto.Op("DescribeLogGroups", describeGroupsInput, a.describeGroups),
		awsproto.Op("DescribeLogStreams", describeStreamsInput, a.describeStreams),
		awsproto.Op("GetLogEvents", getEventsInput, a.getEvents),
		awsproto.Op("FilterLogEvents", filterEventsInput, a.filterEvents),
	)
	// The served calls only read; CloudWatch Logs' largest request is a
	// PutLogEvents of 1 MiB.
	svc.MaxBodyBytes = 1 << 20
	return svc
}

// The model's shapes shared by the operations.
var (
	groupNameShape       = shape.Str().Len(1, 512).Match(`[\.\-_/#A-Za-z0-9]+`)
	groupIdentifierShape = shape.Str().Len(1, 2048).Match(`[\w#+=/:,.@-]*`)
	streamNameShape      = shape.Str().Len(1, 512).Match(`[^:*]*`)
	nextTokenShape       = shape.Str().Len(1, -1)
	timestampShape       = shape.Lng().RangeMin(0)
	eventsLimitShape     = shape.Int().Range(1, 10000)
	describeLimitShape   = shape.Int().Range(1, 50)
)

// Bounds of a page, as AWS documents them.
const (
	maxEvents       = 10000
	maxPageBytes    = 1 << 20
	defaultDescribe = 50
	// eventOverhead is what AWS counts per event toward the 1 MB page.
	eventOverhead = 26
)

func scope(ctx context.Context) (account, region string) {
	c := awsproto.CallerFrom(ctx)
	return c.AccountID, c.Region
}

// groupName resolves logGroupName or logGroupIdentifier (a name or a log
// group ARN of the caller's account and region).
func groupName(ctx context.Context, name, identifier *string) (string, error) {
	switch {
	case name != nil && identifier != nil:
		return "", awserr.New(invalidParameter, "LogGroupName and LogGroupIdentifier are mutually exclusive parameters.")
	case name != nil:
		return *name, nil
	case identifier == nil:
		return "", awserr.New(invalidParameter, "Either LogGroupName or LogGroupIdentifier must be specified.")
	}
	id := *identifier
	if !strings.HasPrefix(id, "arn:") {
		return id, nil
	}
	// arn:aws:logs:REGION:ACCOUNT:log-group:NAME
	parts := strings.SplitN(id, ":", 7)
	account, region := scope(ctx)
	if len(parts) != 7 || parts[2] != "logs" || parts[5] != "log-group" {
		return "", awserr.New(invalidParameter, "The log group identifier %s is not a log group ARN.", id)
	}
	if parts[3] != region || parts[4] != account {
		return "", awserr.New(awserr.ResourceNotFoundException, "The specified log group does not exist.")
	}
	return parts[6], nil
}

func groupARN(region, account, group string) string {
	return "arn:aws:logs:" + region + ":" + account + ":log-group:" + group
}

// wire maps deliverylog's errors to AWS's.
func wire(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, deliverylog.ErrNoGroup):
		return awserr.New(awserr.ResourceNotFoundException, "The specified log group does not exist.")
	case errors.Is(err, deliverylog.ErrNoStream):
		return awserr.New(awserr.ResourceNotFoundException, "The specified log stream does not exist.")
	}
	return awserr.Internal(err)
}

func errBadToken() error {
	return awserr.New(invalidParameter, "The specified nextToken is invalid.")
}
