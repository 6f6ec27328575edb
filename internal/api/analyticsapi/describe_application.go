package analyticsapi

// DescribeApplication (v1 and v2): the whole configuration at the current
// version, with the IDs of the inputs, outputs, reference data sources and
// logging options; v2 adds the runtime (SQL-1_0), the service role, the
// code's size and the ConditionalToken. Both APIs describe every
// application, whichever created it.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
)

var describeInputV1 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
).Named("DescribeApplicationRequest")

var describeInputV2 = shape.Struct(
	shape.Req("ApplicationName", appNameShape),
	shape.Opt("IncludeAdditionalDetails", shape.Bool()),
).Named("DescribeApplicationRequest")

type describeIn struct {
	ApplicationName          string
	IncludeAdditionalDetails *bool
}

type detailV1 struct {
	ApplicationName                     string              `json:"ApplicationName"`
	ApplicationDescription              string              `json:"ApplicationDescription,omitempty"`
	ApplicationARN                      string              `json:"ApplicationARN"`
	ApplicationStatus                   string              `json:"ApplicationStatus"`
	CreateTimestamp                     *awsproto.Timestamp `json:"CreateTimestamp"`
	LastUpdateTimestamp                 *awsproto.Timestamp `json:"LastUpdateTimestamp"`
	InputDescriptions                   []inputOut          `json:"InputDescriptions"`
	OutputDescriptions                  []outputOut         `json:"OutputDescriptions"`
	ReferenceDataSourceDescriptions     []referenceOut      `json:"ReferenceDataSourceDescriptions"`
	CloudWatchLoggingOptionDescriptions []loggingOut        `json:"CloudWatchLoggingOptionDescriptions"`
	ApplicationCode                     string              `json:"ApplicationCode,omitempty"`
	ApplicationVersionId                int64               `json:"ApplicationVersionId"`
}

func detailOfV1(a *analytics.Application) detailV1 {
	return detailV1{
		ApplicationName:                     a.Name,
		ApplicationDescription:              a.Description,
		ApplicationARN:                      a.ARN(),
		ApplicationStatus:                   string(a.Status),
		CreateTimestamp:                     awsproto.TimeOf(a.Created),
		LastUpdateTimestamp:                 awsproto.TimeOf(a.Updated),
		InputDescriptions:                   inputsOf(a),
		OutputDescriptions:                  outputsOf(a),
		ReferenceDataSourceDescriptions:     referencesOf(a),
		CloudWatchLoggingOptionDescriptions: loggingOf(a),
		ApplicationCode:                     a.Code,
		ApplicationVersionId:                a.Version,
	}
}

type detailV2 struct {
	ApplicationARN                      string              `json:"ApplicationARN"`
	ApplicationDescription              string              `json:"ApplicationDescription,omitempty"`
	ApplicationName                     string              `json:"ApplicationName"`
	RuntimeEnvironment                  string              `json:"RuntimeEnvironment"`
	ServiceExecutionRole                string              `json:"ServiceExecutionRole,omitempty"`
	ApplicationStatus                   string              `json:"ApplicationStatus"`
	ApplicationVersionId                int64               `json:"ApplicationVersionId"`
	CreateTimestamp                     *awsproto.Timestamp `json:"CreateTimestamp"`
	LastUpdateTimestamp                 *awsproto.Timestamp `json:"LastUpdateTimestamp"`
	ApplicationConfigurationDescription configurationOut    `json:"ApplicationConfigurationDescription"`
	CloudWatchLoggingOptionDescriptions []loggingOut        `json:"CloudWatchLoggingOptionDescriptions"`
	ConditionalToken                    string              `json:"ConditionalToken"`
	ApplicationMode                     string              `json:"ApplicationMode,omitempty"`
}

type configurationOut struct {
	SqlApplicationConfigurationDescription struct {
		InputDescriptions               []inputOut     `json:"InputDescriptions"`
		OutputDescriptions              []outputOut    `json:"OutputDescriptions"`
		ReferenceDataSourceDescriptions []referenceOut `json:"ReferenceDataSourceDescriptions"`
	} `json:"SqlApplicationConfigurationDescription"`
	ApplicationCodeConfigurationDescription *codeOut `json:"ApplicationCodeConfigurationDescription,omitempty"`
}

type codeOut struct {
	CodeContentType        string `json:"CodeContentType"`
	CodeContentDescription struct {
		TextContent string `json:"TextContent"`
		CodeSize    int64  `json:"CodeSize"`
	} `json:"CodeContentDescription"`
}

func detailOfV2(a *analytics.Application) detailV2 {
	d := detailV2{
		ApplicationARN:                      a.ARN(),
		ApplicationDescription:              a.Description,
		ApplicationName:                     a.Name,
		RuntimeEnvironment:                  analytics.RuntimeSQL,
		ServiceExecutionRole:                a.ServiceRole,
		ApplicationStatus:                   string(a.Status),
		ApplicationVersionId:                a.Version,
		CreateTimestamp:                     awsproto.TimeOf(a.Created),
		LastUpdateTimestamp:                 awsproto.TimeOf(a.Updated),
		CloudWatchLoggingOptionDescriptions: loggingOf(a),
		ConditionalToken:                    analytics.ConditionalToken(a),
		ApplicationMode:                     a.Mode,
	}
	sql := &d.ApplicationConfigurationDescription.SqlApplicationConfigurationDescription
	sql.InputDescriptions, sql.OutputDescriptions, sql.ReferenceDataSourceDescriptions = inputsOf(a), outputsOf(a), referencesOf(a)
	if a.Code != "" {
		c := &codeOut{CodeContentType: "PLAINTEXT"}
		c.CodeContentDescription.TextContent = a.Code
		c.CodeContentDescription.CodeSize = int64(len(a.Code))
		d.ApplicationConfigurationDescription.ApplicationCodeConfigurationDescription = c
	}
	return d
}

type describeOutV1 struct {
	ApplicationDetail detailV1 `json:"ApplicationDetail"`
}

func (a *API) describeV1(ctx context.Context, in *describeIn) (*describeOutV1, error) {
	app, err := a.svc.Describe(caller(ctx), in.ApplicationName)
	if err != nil {
		return nil, wireV1(err)
	}
	return &describeOutV1{ApplicationDetail: detailOfV1(app)}, nil
}

type detailOutV2 struct {
	ApplicationDetail detailV2 `json:"ApplicationDetail"`
}

func (a *API) describeV2(ctx context.Context, in *describeIn) (*detailOutV2, error) {
	app, err := a.svc.Describe(caller(ctx), in.ApplicationName)
	if err != nil {
		return nil, wireV2(err)
	}
	return &detailOutV2{ApplicationDetail: detailOfV2(app)}, nil
}
