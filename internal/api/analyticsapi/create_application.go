package analyticsapi

// CreateApplication (v1 and v2): a READY application at version 1 with at
// most one input, up to three outputs, at most one reference data source
// (v2), CloudWatch logging options and up to 50 tags; code of at most
// 102,400 characters, validated when given (CodeValidationException). The
// inputs' and outputs' streams must exist. v2 runs RuntimeEnvironment
// SQL-1_0 only: Flink and Zeppelin runtimes, and the configuration only they
// take (Flink, Zeppelin, environment properties, snapshots, rollback, VPC,
// encryption, zipped or S3 code), are refused with InvalidArgumentException.
// More than 50 applications in an account and region is
// LimitExceededException; a name in use is ResourceInUseException.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var createInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("ApplicationDescription", descriptionShape),
	shape.Opt("Inputs", shape.ListOf(inputShapeV1)),
	shape.Opt("Outputs", shape.ListOf(outputShapeV1)),
	shape.Opt("CloudWatchLoggingOptions", shape.ListOf(loggingShapeV1)),
	shape.Opt("ApplicationCode", codeShape),
	shape.Opt("Tags", tagsShape),
).Named("CreateApplicationRequest")

type createInV1 struct {
	ApplicationName          string
	ApplicationDescription   *string
	Inputs                   []inputIn
	Outputs                  []outputIn
	CloudWatchLoggingOptions []loggingIn
	ApplicationCode          *string
	Tags                     []tagIn
}

type summaryV1 struct {
	ApplicationName   string `json:"ApplicationName"`
	ApplicationARN    string `json:"ApplicationARN"`
	ApplicationStatus string `json:"ApplicationStatus"`
}

func summaryOfV1(a *analytics.Application) summaryV1 {
	return summaryV1{ApplicationName: a.Name, ApplicationARN: a.ARN(), ApplicationStatus: string(a.Status)}
}

type createOutV1 struct {
	ApplicationSummary summaryV1 `json:"ApplicationSummary"`
}

func (a *API) createV1(ctx context.Context, in *createInV1) (*createOutV1, error) {
	p := analytics.CreateParams{Name: in.ApplicationName, Description: deref(in.ApplicationDescription), Code: deref(in.ApplicationCode), Tags: tagsIn(in.Tags)}
	if err := sqlConfig(&p, in.Inputs, in.Outputs, nil, ""); err != nil {
		return nil, wireV1(err)
	}
	for _, l := range in.CloudWatchLoggingOptions {
		p.Logging = append(p.Logging, l.domain(""))
	}
	app, err := a.svc.Create(ctx, caller(ctx), p)
	if err != nil {
		return nil, wireV1(err)
	}
	return &createOutV1{ApplicationSummary: summaryOfV1(app)}, nil
}

// sqlConfig converts the inputs, outputs and reference data sources of a
// creation; role stands in for the roles v2 requests omit.
func sqlConfig(p *analytics.CreateParams, inputs []inputIn, outputs []outputIn, refs []referenceIn, role string) error {
	for _, in := range inputs {
		d, err := in.domain(role)
		if err != nil {
			return err
		}
		p.Inputs = append(p.Inputs, d)
	}
	for _, o := range outputs {
		d, err := o.domain(role)
		if err != nil {
			return err
		}
		p.Outputs = append(p.Outputs, d)
	}
	for _, r := range refs {
		d, err := r.domain(role)
		if err != nil {
			return err
		}
		p.References = append(p.References, d)
	}
	return nil
}

// opaque stands for the configuration only Flink and Zeppelin
// applications take: its members are not checked, since it is refused.
var opaque = shape.Struct()

var codeConfigurationShape = shape.Struct(
	shape.Opt("CodeContent", shape.Struct(
		shape.Opt("TextContent", codeShape),
		shape.Opt("ZipFileContent", shape.Bytes().Len(0, 52428800)),
		shape.Opt("S3ContentLocation", opaque),
	).Named("CodeContent")),
	shape.Req("CodeContentType", shape.Str().OneOf("PLAINTEXT", "ZIPFILE")),
).Named("ApplicationCodeConfiguration")

var createInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("ApplicationDescription", descriptionShape),
	shape.Req("RuntimeEnvironment", runtimeShape),
	shape.Req("ServiceExecutionRole", roleShapeV2),
	shape.Opt("ApplicationConfiguration", shape.Struct(
		shape.Opt("SqlApplicationConfiguration", shape.Struct(
			shape.Opt("Inputs", shape.ListOf(inputShapeV2)),
			shape.Opt("Outputs", shape.ListOf(outputShapeV2)),
			shape.Opt("ReferenceDataSources", shape.ListOf(referenceShapeV2)),
		).Named("SqlApplicationConfiguration")),
		shape.Opt("FlinkApplicationConfiguration", opaque),
		shape.Opt("EnvironmentProperties", opaque),
		shape.Opt("ApplicationCodeConfiguration", codeConfigurationShape),
		shape.Opt("ApplicationSnapshotConfiguration", opaque),
		shape.Opt("ApplicationSystemRollbackConfiguration", opaque),
		shape.Opt("VpcConfigurations", shape.ListOf(opaque)),
		shape.Opt("ZeppelinApplicationConfiguration", opaque),
		shape.Opt("ApplicationEncryptionConfiguration", opaque),
	).Named("ApplicationConfiguration")),
	shape.Opt("CloudWatchLoggingOptions", shape.ListOf(loggingShapeV2)),
	shape.Opt("Tags", tagsShape),
	shape.Opt("ApplicationMode", modeShape),
).Named("CreateApplicationRequest")

type codeConfigurationIn struct {
	CodeContent *struct {
		TextContent       *string
		ZipFileContent    []byte
		S3ContentLocation *struct{}
	}
	CodeContentType string
}

type createInV2 struct {
	ApplicationName          string
	ApplicationDescription   *string
	RuntimeEnvironment       string
	ServiceExecutionRole     string
	ApplicationConfiguration *struct {
		SqlApplicationConfiguration *struct {
			Inputs               []inputIn
			Outputs              []outputIn
			ReferenceDataSources []referenceIn
		}
		FlinkApplicationConfiguration          *struct{}
		EnvironmentProperties                  *struct{}
		ApplicationCodeConfiguration           *codeConfigurationIn
		ApplicationSnapshotConfiguration       *struct{}
		ApplicationSystemRollbackConfiguration *struct{}
		VpcConfigurations                      []struct{}
		ZeppelinApplicationConfiguration       *struct{}
		ApplicationEncryptionConfiguration     *struct{}
	}
	CloudWatchLoggingOptions []struct{ LogStreamARN string }
	Tags                     []tagIn
	ApplicationMode          *string
}

// sqlOnly refuses a runtime other than SQL-1_0.
func sqlOnly(runtime string) error {
	if runtime != analytics.RuntimeSQL {
		return analytics.InvalidArgument("Sluice runs SQL applications only (RuntimeEnvironment SQL-1_0); RuntimeEnvironment %s (Apache Flink, Zeppelin) is not supported.", runtime)
	}
	return nil
}

// flinkOnly refuses configuration that only Flink and Zeppelin
// applications take: given names the members present.
func flinkOnly(given map[string]bool) error {
	for _, name := range []string{
		"FlinkApplicationConfiguration", "EnvironmentProperties", "ApplicationSnapshotConfiguration",
		"ApplicationSystemRollbackConfiguration", "VpcConfigurations", "ZeppelinApplicationConfiguration",
		"ApplicationEncryptionConfiguration", "RunConfigurationUpdate",
	} {
		if given[name] {
			return analytics.InvalidArgument("%s is for Apache Flink applications; a SQL application (SQL-1_0) does not take it, and Sluice runs SQL applications only.", name)
		}
	}
	return nil
}

// codeOf returns the text of a PLAINTEXT code configuration.
func codeOf(c *codeConfigurationIn) (string, error) {
	if c.CodeContentType != "PLAINTEXT" {
		return "", analytics.InvalidArgument("A SQL application's code must be PLAINTEXT (CodeContent.TextContent); CodeContentType %s is not supported.", c.CodeContentType)
	}
	if cc := c.CodeContent; cc != nil {
		if cc.ZipFileContent != nil || cc.S3ContentLocation != nil {
			return "", analytics.InvalidArgument("A SQL application's code is given as CodeContent.TextContent; ZipFileContent and S3ContentLocation are not supported.")
		}
		return deref(cc.TextContent), nil
	}
	return "", nil
}

func (a *API) createV2(ctx context.Context, in *createInV2) (*detailOutV2, error) {
	if err := sqlOnly(in.RuntimeEnvironment); err != nil {
		return nil, wireV2(err)
	}
	if deref(in.ApplicationMode) == "INTERACTIVE" {
		return nil, wireV2(analytics.InvalidArgument("ApplicationMode INTERACTIVE is for Zeppelin Studio notebooks; a SQL application is STREAMING."))
	}
	p := analytics.CreateParams{
		Name: in.ApplicationName, Description: deref(in.ApplicationDescription), Tags: tagsIn(in.Tags),
		API2: true, ServiceRole: in.ServiceExecutionRole, Mode: deref(in.ApplicationMode),
	}
	if c := in.ApplicationConfiguration; c != nil {
		if err := flinkOnly(map[string]bool{
			"FlinkApplicationConfiguration":          c.FlinkApplicationConfiguration != nil,
			"EnvironmentProperties":                  c.EnvironmentProperties != nil,
			"ApplicationSnapshotConfiguration":       c.ApplicationSnapshotConfiguration != nil,
			"ApplicationSystemRollbackConfiguration": c.ApplicationSystemRollbackConfiguration != nil,
			"VpcConfigurations":                      c.VpcConfigurations != nil,
			"ZeppelinApplicationConfiguration":       c.ZeppelinApplicationConfiguration != nil,
			"ApplicationEncryptionConfiguration":     c.ApplicationEncryptionConfiguration != nil,
		}); err != nil {
			return nil, wireV2(err)
		}
		if s := c.SqlApplicationConfiguration; s != nil {
			if err := sqlConfig(&p, s.Inputs, s.Outputs, s.ReferenceDataSources, in.ServiceExecutionRole); err != nil {
				return nil, wireV2(err)
			}
		}
		if cc := c.ApplicationCodeConfiguration; cc != nil {
			code, err := codeOf(cc)
			if err != nil {
				return nil, wireV2(err)
			}
			p.Code = code
		}
	}
	for _, l := range in.CloudWatchLoggingOptions {
		p.Logging = append(p.Logging, analytics.LoggingOption{LogStream: l.LogStreamARN, RoleARN: in.ServiceExecutionRole})
	}
	app, err := a.svc.Create(ctx, caller(ctx), p)
	if err != nil {
		return nil, wireV2(err)
	}
	return &detailOutV2{ApplicationDetail: detailOfV2(app)}, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
