package analyticsapi

// DescribeApplicationVersion and ListApplicationVersions (v2): every
// configuration change keeps the configuration of the version it makes, so
// any version up to the current one can be described
// (ResourceNotFoundException for one the application never had), and the
// versions listed in order, Limit 1–50 (50 by default), NextToken being the
// last version ID of the page.

import (
	"context"
	"strconv"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var describeVersionInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("ApplicationVersionId", versionShape),
).Named("DescribeApplicationVersionRequest")

type describeVersionIn struct {
	ApplicationName      string
	ApplicationVersionId int64
}

type describeVersionOut struct {
	ApplicationVersionDetail detailV2 `json:"ApplicationVersionDetail"`
}

func (a *API) describeVersion(ctx context.Context, in *describeVersionIn) (*describeVersionOut, error) {
	v, err := a.svc.Version(ctx, caller(ctx), in.ApplicationName, in.ApplicationVersionId)
	if err != nil {
		return nil, wireV2(err)
	}
	return &describeVersionOut{ApplicationVersionDetail: detailOfV2(v)}, nil
}

var listVersionsInput = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("Limit", listLimitShape),
	shape.Opt("NextToken", nextTokenShape),
).Named("ListApplicationVersionsRequest")

type listVersionsIn struct {
	ApplicationName string
	Limit           *int64
	NextToken       *string
}

type versionSummary struct {
	ApplicationVersionId int64  `json:"ApplicationVersionId"`
	ApplicationStatus    string `json:"ApplicationStatus"`
}

type listVersionsOut struct {
	ApplicationVersionSummaries []versionSummary `json:"ApplicationVersionSummaries"`
	NextToken                   string           `json:"NextToken,omitempty"`
}

func (a *API) listVersions(ctx context.Context, in *listVersionsIn) (*listVersionsOut, error) {
	var after int64
	if in.NextToken != nil {
		n, err := strconv.ParseInt(*in.NextToken, 10, 64)
		if err != nil || n < 1 {
			return nil, wireV2(analytics.InvalidArgument("NextToken %s is not a token ListApplicationVersions gave.", *in.NextToken))
		}
		after = n
	}
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	versions, more, err := a.svc.Versions(ctx, caller(ctx), in.ApplicationName, after, limit)
	if err != nil {
		return nil, wireV2(err)
	}
	out := &listVersionsOut{ApplicationVersionSummaries: make([]versionSummary, len(versions))}
	for i, v := range versions {
		out.ApplicationVersionSummaries[i] = versionSummary{ApplicationVersionId: v.Version, ApplicationStatus: string(v.Status)}
	}
	if more {
		out.NextToken = strconv.FormatInt(versions[len(versions)-1].Version, 10)
	}
	return out, nil
}
