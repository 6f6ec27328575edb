package analyticsapi

// ListApplications (v1 and v2): the caller's applications in name order,
// Limit 1–50 (50 when not given; AWS does not document its default), then
// v1's HasMoreApplications and ExclusiveStartApplicationName, or v2's
// NextToken (the last name of the page). v2's summaries add the version and
// runtime.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var listInputV1 = shape.Struct(
	shape.Opt("Limit", listLimitShape),
	shape.Opt("ExclusiveStartApplicationName", appNameShape),
).Named("ListApplicationsRequest")

type listInV1 struct {
	Limit                         *int64
	ExclusiveStartApplicationName *string
}

type listOutV1 struct {
	ApplicationSummaries []summaryV1 `json:"ApplicationSummaries"`
	HasMoreApplications  bool        `json:"HasMoreApplications"`
}

func (a *API) listV1(ctx context.Context, in *listInV1) (*listOutV1, error) {
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	apps, more := a.svc.List(caller(ctx), deref(in.ExclusiveStartApplicationName), limit)
	out := &listOutV1{ApplicationSummaries: make([]summaryV1, len(apps)), HasMoreApplications: more}
	for i, app := range apps {
		out.ApplicationSummaries[i] = summaryOfV1(app)
	}
	return out, nil
}

var listInputV2 = shape.Struct(
	shape.Opt("Limit", listLimitShape),
	shape.Opt("NextToken", appNameShape),
).Named("ListApplicationsRequest")

type listInV2 struct {
	Limit     *int64
	NextToken *string
}

type summaryV2 struct {
	ApplicationName      string `json:"ApplicationName"`
	ApplicationARN       string `json:"ApplicationARN"`
	ApplicationStatus    string `json:"ApplicationStatus"`
	ApplicationVersionId int64  `json:"ApplicationVersionId"`
	RuntimeEnvironment   string `json:"RuntimeEnvironment"`
	ApplicationMode      string `json:"ApplicationMode,omitempty"`
}

type listOutV2 struct {
	ApplicationSummaries []summaryV2 `json:"ApplicationSummaries"`
	NextToken            string      `json:"NextToken,omitempty"`
}

func (a *API) listV2(ctx context.Context, in *listInV2) (*listOutV2, error) {
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	apps, more := a.svc.List(caller(ctx), deref(in.NextToken), limit)
	out := &listOutV2{ApplicationSummaries: make([]summaryV2, len(apps))}
	for i, app := range apps {
		out.ApplicationSummaries[i] = summaryV2{
			ApplicationName: app.Name, ApplicationARN: app.ARN(), ApplicationStatus: string(app.Status),
			ApplicationVersionId: app.Version, RuntimeEnvironment: analytics.RuntimeSQL, ApplicationMode: app.Mode,
		}
	}
	if more {
		out.NextToken = apps[len(apps)-1].Name
	}
	return out, nil
}
