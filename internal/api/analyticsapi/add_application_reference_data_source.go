package analyticsapi

// AddApplicationReferenceDataSource (v1 and v2): adds an S3 object
// (BucketARN arn:aws:s3:::<bucket>, FileKey) mapped by its ReferenceSchema
// onto the in-application table TableName; the object is read when the
// application runs, from the local directory or --s3-endpoint. At most one
// reference data source: a second is InvalidArgumentException. v2 answers
// the reference data sources' descriptions.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var addReferenceInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("ReferenceDataSource", referenceShapeV1),
).Named("AddApplicationReferenceDataSourceRequest")

var addReferenceInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Req("CurrentApplicationVersionId", versionShape),
	shape.Req("ReferenceDataSource", referenceShapeV2),
).Named("AddApplicationReferenceDataSourceRequest")

type addReferenceIn struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	ReferenceDataSource         referenceIn
}

func (a *API) addReferenceV1(ctx context.Context, in *addReferenceIn) (*empty, error) {
	r, err := in.ReferenceDataSource.domain("")
	if err == nil {
		_, err = a.svc.AddReference(ctx, caller(ctx), in.ApplicationName, analytics.Change{Version: &in.CurrentApplicationVersionId}, r)
	}
	if err != nil {
		return nil, wireV1(err)
	}
	return &empty{}, nil
}

type addReferenceOutV2 struct {
	ApplicationARN                  string         `json:"ApplicationARN"`
	ApplicationVersionId            int64          `json:"ApplicationVersionId"`
	ReferenceDataSourceDescriptions []referenceOut `json:"ReferenceDataSourceDescriptions"`
}

func (a *API) addReferenceV2(ctx context.Context, in *addReferenceIn) (*addReferenceOutV2, error) {
	c := caller(ctx)
	app, err := a.svc.Describe(c, in.ApplicationName)
	if err != nil {
		return nil, wireV2(err)
	}
	r, err := in.ReferenceDataSource.domain(app.ServiceRole)
	if err != nil {
		return nil, wireV2(err)
	}
	app, err = a.svc.AddReference(ctx, c, in.ApplicationName, analytics.Change{API2: true, Version: &in.CurrentApplicationVersionId}, r)
	if err != nil {
		return nil, wireV2(err)
	}
	return &addReferenceOutV2{ApplicationARN: app.ARN(), ApplicationVersionId: app.Version, ReferenceDataSourceDescriptions: referencesOf(app)}, nil
}
