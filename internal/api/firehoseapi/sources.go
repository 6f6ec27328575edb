package firehoseapi

import (
	"time"

	"sluice/internal/awsproto/shape"
)

// The MSK and database (CDC) sources. Sluice has neither an MSK cluster nor
// a database change stream to read; the configurations are checked against
// their shapes, then refused by the domain (CreateParams.Unsupported).

var (
	mskSourceConfiguration = shape.Struct(
		shape.Req("MSKClusterARN", pattern(shape.Str().Len(1, 512), `arn:.*`)),
		shape.Req("TopicName", pattern(shape.Str().Len(1, 255), `[a-zA-Z0-9\\._\\-]+`)),
		shape.Req("AuthenticationConfiguration", shape.Struct(
			shape.Req("RoleARN", roleARNShape),
			shape.Req("Connectivity", shape.Str().OneOf("PUBLIC", "PRIVATE")),
		).Named("AuthenticationConfiguration")),
		shape.Opt("ReadFromTimestamp", shape.Time()),
	).Named("MSKSourceConfiguration")

	databaseName       = pattern(shape.Str().Len(1, 64), `[\u0001-\uFFFF]*`)
	databaseTableName  = pattern(shape.Str().Len(1, 129), `[\u0001-\uFFFF]*`)
	databaseColumnName = pattern(shape.Str().Len(1, 194), `[\u0001-\uFFFF]*`)
	vpcEndpointService = pattern(shape.Str().Len(47, 255), `([a-zA-Z0-9\-\_]+\.){2,3}vpce\.[a-zA-Z0-9\-]*\.vpce-svc\-[a-zA-Z0-9\-]{17}$`)

	databaseSourceConfiguration = shape.Struct(
		shape.Req("Type", shape.Str().OneOf("MySQL", "PostgreSQL")),
		shape.Req("Endpoint", patternAs(shape.Str().Len(1, 255), nonBlankText, nonBlankTextGo)),
		shape.Req("Port", shape.Int().Range(0, 65535)),
		shape.Opt("SSLMode", shape.Str().OneOf("Disabled", "Enabled")),
		shape.Req("Databases", includeExclude("DatabaseList", databaseName)),
		shape.Req("Tables", includeExclude("DatabaseTableList", databaseTableName)),
		shape.Opt("Columns", includeExclude("DatabaseColumnList", databaseColumnName)),
		shape.Opt("SurrogateKeys", shape.ListOf(nonEmptyNoSpace)),
		shape.Req("SnapshotWatermarkTable", databaseTableName),
		shape.Req("DatabaseSourceAuthenticationConfiguration", shape.Struct(
			shape.Req("SecretsManagerConfiguration", secretsManagerConfiguration),
		).Named("DatabaseSourceAuthenticationConfiguration")),
		shape.Req("DatabaseSourceVPCConfiguration", shape.Struct(
			shape.Req("VpcEndpointServiceName", vpcEndpointService),
		).Named("DatabaseSourceVPCConfiguration")),
	).Named("DatabaseSourceConfiguration")
)

func includeExclude(name string, elem *shape.Shape) *shape.Shape {
	return shape.Struct(
		shape.Opt("Include", shape.ListOf(elem)),
		shape.Opt("Exclude", shape.ListOf(elem)),
	).Named(name)
}

type mskSourceIn struct {
	MSKClusterARN               string
	TopicName                   string
	AuthenticationConfiguration *struct{ RoleARN, Connectivity string }
	ReadFromTimestamp           *time.Time
}

type includeExcludeIn struct {
	Include, Exclude []string
}

type databaseSourceIn struct {
	Type                                      string
	Endpoint                                  string
	Port                                      int64
	SSLMode                                   *string
	Databases                                 *includeExcludeIn
	Tables                                    *includeExcludeIn
	Columns                                   *includeExcludeIn
	SurrogateKeys                             []string
	SnapshotWatermarkTable                    string
	DatabaseSourceAuthenticationConfiguration *struct{ SecretsManagerConfiguration *secretsIn }
	DatabaseSourceVPCConfiguration            *struct{ VpcEndpointServiceName string }
}
