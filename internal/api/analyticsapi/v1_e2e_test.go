package analyticsapi_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/analytics"
	"sluice/internal/testserver"
)

// TestV1Lifecycle walks an application through every v1 configuration
// operation and checks versions, IDs and descriptions at each step.
func TestV1Lifecycle(t *testing.T) {
	// Without a Runner (a build without the SQL engine), StartApplication
	// is refused: see the end.
	srv := testserver.Start(t, testserver.WithAnalytics(func(c *analytics.Config) { c.Runner = nil }))
	c := srv.AnalyticsClient()
	ctx := t.Context()
	in := createStream(t, srv, "in")
	out := createStream(t, srv, "out")
	fhARN := createDeliveryStream(t, srv, "hose")

	created, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{
		ApplicationName:        aws.String("app"),
		ApplicationDescription: aws.String("filter"),
		ApplicationCode:        aws.String(filterCode),
		Inputs:                 []kat.Input{streamInput(in)},
		Outputs:                []kat.Output{streamOutput(out)},
		CloudWatchLoggingOptions: []kat.CloudWatchLoggingOption{{
			LogStreamARN: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s"), RoleARN: aws.String(role),
		}},
		Tags: []kat.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := created.ApplicationSummary
	arn := "arn:aws:kinesisanalytics:us-east-1:" + account + ":application/app"
	if aws.ToString(sum.ApplicationARN) != arn || sum.ApplicationStatus != kat.ApplicationStatusReady || aws.ToString(sum.ApplicationName) != "app" {
		t.Fatalf("summary = %+v", sum)
	}

	d := describe(t, c, "app")
	if aws.ToInt64(d.ApplicationVersionId) != 1 || aws.ToString(d.ApplicationCode) != filterCode || aws.ToString(d.ApplicationDescription) != "filter" {
		t.Fatalf("detail = %+v", d)
	}
	if d.CreateTimestamp == nil || d.CreateTimestamp.After(time.Now()) || d.LastUpdateTimestamp == nil {
		t.Fatalf("timestamps %v %v", d.CreateTimestamp, d.LastUpdateTimestamp)
	}
	if len(d.InputDescriptions) != 1 || len(d.OutputDescriptions) != 1 || len(d.CloudWatchLoggingOptionDescriptions) != 1 {
		t.Fatalf("descriptions = %+v", d)
	}
	id := d.InputDescriptions[0]
	if aws.ToString(id.InputId) != "1.1" || aws.ToString(id.NamePrefix) != "SOURCE_SQL_STREAM" ||
		!reflect.DeepEqual(id.InAppStreamNames, []string{"SOURCE_SQL_STREAM_001"}) || aws.ToInt32(id.InputParallelism.Count) != 1 ||
		aws.ToString(id.KinesisStreamsInputDescription.ResourceARN) != in || aws.ToString(id.KinesisStreamsInputDescription.RoleARN) != role ||
		id.InputStartingPositionConfiguration != nil {
		t.Fatalf("input = %+v", id)
	}
	if !reflect.DeepEqual(id.InputSchema, tickerSchema()) {
		t.Fatalf("schema = %+v", id.InputSchema)
	}
	if od := d.OutputDescriptions[0]; aws.ToString(od.OutputId) != "1.1" || aws.ToString(od.Name) != "DESTINATION_SQL_STREAM" ||
		aws.ToString(od.KinesisStreamsOutputDescription.ResourceARN) != out || od.DestinationSchema.RecordFormatType != kat.RecordFormatTypeJson {
		t.Fatalf("output = %+v", od)
	}
	if ld := d.CloudWatchLoggingOptionDescriptions[0]; aws.ToString(ld.CloudWatchLoggingOptionId) != "1.1" {
		t.Fatalf("logging = %+v", ld)
	}

	// Each change names the current version and makes the next one.
	version := int64(1)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		version++
		if got := aws.ToInt64(describe(t, c, "app").ApplicationVersionId); got != version {
			t.Fatalf("%s: version %d, want %d", what, got, version)
		}
	}
	_, err = c.AddApplicationOutput(ctx, &ka.AddApplicationOutputInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version),
		Output: &kat.Output{
			Name:                  aws.String("error_stream"),
			KinesisFirehoseOutput: &kat.KinesisFirehoseOutput{ResourceARN: aws.String(fhARN), RoleARN: aws.String(role)},
			DestinationSchema:     &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeCsv},
		},
	})
	step("AddApplicationOutput", err)
	d = describe(t, c, "app")
	if len(d.OutputDescriptions) != 2 || aws.ToString(d.OutputDescriptions[1].OutputId) != "2.1" ||
		aws.ToString(d.OutputDescriptions[1].KinesisFirehoseOutputDescription.ResourceARN) != fhARN {
		t.Fatalf("outputs = %+v", d.OutputDescriptions)
	}
	_, err = c.AddApplicationReferenceDataSource(ctx, &ka.AddApplicationReferenceDataSourceInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version),
		ReferenceDataSource: &kat.ReferenceDataSource{
			TableName: aws.String("CompanyName"),
			S3ReferenceDataSource: &kat.S3ReferenceDataSource{
				BucketARN: aws.String("arn:aws:s3:::refdata"), FileKey: aws.String("companies.csv"), ReferenceRoleARN: aws.String(role),
			},
			ReferenceSchema: &kat.SourceSchema{
				RecordFormat: &kat.RecordFormat{RecordFormatType: kat.RecordFormatTypeCsv, MappingParameters: &kat.MappingParameters{
					CSVMappingParameters: &kat.CSVMappingParameters{RecordRowDelimiter: aws.String("\n"), RecordColumnDelimiter: aws.String(",")},
				}},
				RecordColumns: []kat.RecordColumn{
					{Name: aws.String("Ticker"), SqlType: aws.String("VARCHAR(4)")},
					{Name: aws.String("Company"), SqlType: aws.String("VARCHAR(40)")},
				},
			},
		},
	})
	step("AddApplicationReferenceDataSource", err)
	_, err = c.AddApplicationInputProcessingConfiguration(ctx, &ka.AddApplicationInputProcessingConfigurationInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version), InputId: aws.String("1.1"),
		InputProcessingConfiguration: &kat.InputProcessingConfiguration{InputLambdaProcessor: &kat.InputLambdaProcessor{
			ResourceARN: aws.String("arn:aws:lambda:us-east-1:000000000000:function:pre"), RoleARN: aws.String(role),
		}},
	})
	// No Lambda endpoint on this server: the preprocessor could never run.
	wantErr(t, err, "InvalidArgumentException", "InputLambdaProcessor needs a Lambda endpoint: start sluice with --lambda-endpoint.")
	_, err = c.AddApplicationCloudWatchLoggingOption(ctx, &ka.AddApplicationCloudWatchLoggingOptionInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version),
		CloudWatchLoggingOption: &kat.CloudWatchLoggingOption{
			LogStreamARN: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:t"), RoleARN: aws.String(role),
		},
	})
	step("AddApplicationCloudWatchLoggingOption", err)
	d = describe(t, c, "app")
	if len(d.ReferenceDataSourceDescriptions) != 1 || aws.ToString(d.ReferenceDataSourceDescriptions[0].ReferenceId) != "3.1" ||
		aws.ToString(d.ReferenceDataSourceDescriptions[0].TableName) != "CompanyName" ||
		len(d.CloudWatchLoggingOptionDescriptions) != 2 || aws.ToString(d.CloudWatchLoggingOptionDescriptions[1].CloudWatchLoggingOptionId) != "4.1" {
		t.Fatalf("detail = %+v", d)
	}

	// UpdateApplication: code, an input's parallelism and schema, an
	// output's format, the reference table, a logging option's role.
	newCode := filterCode + "-- v2\n"
	_, err = c.UpdateApplication(ctx, &ka.UpdateApplicationInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version),
		ApplicationUpdate: &kat.ApplicationUpdate{
			ApplicationCodeUpdate: aws.String(newCode),
			InputUpdates: []kat.InputUpdate{{
				InputId:                aws.String("1.1"),
				InputParallelismUpdate: &kat.InputParallelismUpdate{CountUpdate: aws.Int32(3)},
				InputSchemaUpdate: &kat.InputSchemaUpdate{RecordColumnUpdates: append([]kat.RecordColumn{
					{Name: aws.String("TICKER_SYMBOL"), SqlType: aws.String("VARCHAR(8)"), Mapping: aws.String("$.TICKER_SYMBOL")},
				}, tickerSchema().RecordColumns[1:]...)},
			}},
			OutputUpdates: []kat.OutputUpdate{{
				OutputId: aws.String("2.1"), DestinationSchemaUpdate: &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
			}},
			ReferenceDataSourceUpdates: []kat.ReferenceDataSourceUpdate{{
				ReferenceId: aws.String("3.1"), TableNameUpdate: aws.String("Companies"),
			}},
			CloudWatchLoggingOptionUpdates: []kat.CloudWatchLoggingOptionUpdate{{
				CloudWatchLoggingOptionId: aws.String("1.1"), RoleARNUpdate: aws.String("arn:aws:iam::000000000000:role/other"),
			}},
		},
	})
	step("UpdateApplication", err)
	d = describe(t, c, "app")
	id = d.InputDescriptions[0]
	if aws.ToString(d.ApplicationCode) != newCode || aws.ToInt32(id.InputParallelism.Count) != 3 ||
		!reflect.DeepEqual(id.InAppStreamNames, []string{"SOURCE_SQL_STREAM_001", "SOURCE_SQL_STREAM_002", "SOURCE_SQL_STREAM_003"}) ||
		len(id.InputSchema.RecordColumns) != 4 || aws.ToString(id.InputSchema.RecordColumns[0].SqlType) != "VARCHAR(8)" ||
		d.OutputDescriptions[1].DestinationSchema.RecordFormatType != kat.RecordFormatTypeJson ||
		aws.ToString(d.ReferenceDataSourceDescriptions[0].TableName) != "Companies" ||
		aws.ToString(d.CloudWatchLoggingOptionDescriptions[0].RoleARN) != "arn:aws:iam::000000000000:role/other" {
		t.Fatalf("after update: %+v", d)
	}

	// A stale version changes nothing.
	_, err = c.DeleteApplicationOutput(ctx, &ka.DeleteApplicationOutputInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version - 1), OutputId: aws.String("2.1"),
	})
	wantErr(t, err, "ConcurrentModificationException", fmt.Sprintf(
		"The version %d of application app does not match its current version %d: describe the application and retry with the current version.", version-1, version))

	_, err = c.DeleteApplicationOutput(ctx, &ka.DeleteApplicationOutputInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version), OutputId: aws.String("2.1"),
	})
	step("DeleteApplicationOutput", err)
	_, err = c.DeleteApplicationReferenceDataSource(ctx, &ka.DeleteApplicationReferenceDataSourceInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version), ReferenceId: aws.String("3.1"),
	})
	step("DeleteApplicationReferenceDataSource", err)
	_, err = c.DeleteApplicationCloudWatchLoggingOption(ctx, &ka.DeleteApplicationCloudWatchLoggingOptionInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version), CloudWatchLoggingOptionId: aws.String("4.1"),
	})
	step("DeleteApplicationCloudWatchLoggingOption", err)
	_, err = c.DeleteApplicationOutput(ctx, &ka.DeleteApplicationOutputInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(version), OutputId: aws.String("2.1"),
	})
	wantErr(t, err, "ResourceNotFoundException", "Application app has no output with ID 2.1.")
	d = describe(t, c, "app")
	if len(d.OutputDescriptions) != 1 || len(d.ReferenceDataSourceDescriptions) != 0 || len(d.CloudWatchLoggingOptionDescriptions) != 1 {
		t.Fatalf("after deletions: %+v", d)
	}

	// Tags change no version.
	if _, err := c.TagResource(ctx, &ka.TagResourceInput{ResourceARN: aws.String(arn), Tags: []kat.Tag{
		{Key: aws.String("env"), Value: aws.String("test")}, {Key: aws.String("team"), Value: aws.String("analytics")},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &ka.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &ka.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "analytics" {
		t.Fatalf("tags = %+v", tags.Tags)
	}
	if got := aws.ToInt64(describe(t, c, "app").ApplicationVersionId); got != version {
		t.Fatalf("version after tagging = %d, want %d", got, version)
	}

	// Starting needs the SQL engine, which this server was built without.
	_, err = c.StartApplication(ctx, &ka.StartApplicationInput{ApplicationName: aws.String("app"), InputConfigurations: []kat.InputConfiguration{{
		Id: aws.String("1.1"), InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionNow},
	}}})
	wantErr(t, err, "UnsupportedOperationException", "The SQL engine is not in this build of Sluice yet: applications can be created, configured and described, but not started.")
	_, err = c.StopApplication(ctx, &ka.StopApplicationInput{ApplicationName: aws.String("app")})
	wantErr(t, err, "ResourceInUseException", "Application app is in the READY state; StopApplication is not allowed in this state.")
	if describe(t, c, "app").ApplicationStatus != kat.ApplicationStatusReady {
		t.Fatal("a refused start changed the status")
	}

	// DeleteApplication needs the creation time.
	_, err = c.DeleteApplication(ctx, &ka.DeleteApplicationInput{ApplicationName: aws.String("app"), CreateTimestamp: aws.Time(d.CreateTimestamp.Add(time.Second))})
	wantErr(t, err, "ConcurrentModificationException", "")
	if _, err := c.DeleteApplication(ctx, &ka.DeleteApplicationInput{ApplicationName: aws.String("app"), CreateTimestamp: d.CreateTimestamp}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeApplication(ctx, &ka.DescribeApplicationInput{ApplicationName: aws.String("app")})
	wantErr(t, err, "ResourceNotFoundException", "Application app is not found under account 000000000000.")
}

// TestV1List pages through applications in name order.
func TestV1List(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	for _, name := range []string{"c", "a", "b"} {
		if _, err := c.CreateApplication(t.Context(), &ka.CreateApplicationInput{ApplicationName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var start *string
	for {
		out, err := c.ListApplications(t.Context(), &ka.ListApplicationsInput{Limit: aws.Int32(2), ExclusiveStartApplicationName: start})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.ApplicationSummaries {
			names = append(names, aws.ToString(s.ApplicationName))
			if s.ApplicationStatus != kat.ApplicationStatusReady || !strings.HasSuffix(aws.ToString(s.ApplicationARN), ":application/"+aws.ToString(s.ApplicationName)) {
				t.Fatalf("summary = %+v", s)
			}
		}
		if !aws.ToBool(out.HasMoreApplications) {
			break
		}
		start = aws.String(names[len(names)-1])
	}
	if !reflect.DeepEqual(names, []string{"a", "b", "c"}) {
		t.Fatalf("names = %v", names)
	}
	_, err := c.CreateApplication(t.Context(), &ka.CreateApplicationInput{ApplicationName: aws.String("a")})
	wantErr(t, err, "ResourceInUseException", "Application a already exists under account 000000000000.")
}

// TestCodeValidation: code that does not parse is CodeValidationException,
// with the position and what was expected, and changes nothing.
func TestCodeValidation(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	ctx := t.Context()
	bad := "CREATE OR REPLACE STREAM \"D\" (a INTEGER);\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"D\" SELECT STREAM a FORM \"S\";"
	_, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("app"), ApplicationCode: aws.String(bad)})
	wantErr(t, err, "CodeValidationException", `Encountered "\"S\"" at line 2, column 68. Was expecting one of: "," "FROM"`)
	_, err = c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("app"), ApplicationCode: aws.String("SELECT 1;")})
	wantErr(t, err, "CodeValidationException", "")

	if _, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("app"), ApplicationCode: aws.String(filterCode)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(1),
		ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String(bad)}})
	wantErr(t, err, "CodeValidationException", "")
	if d := describe(t, c, "app"); aws.ToString(d.ApplicationCode) != filterCode || aws.ToInt64(d.ApplicationVersionId) != 1 {
		t.Fatalf("a refused update changed the application: %+v", d)
	}
	// Code is checked against the input's columns, when there is an
	// input: adding one the code does not fit is refused too.
	_, err = c.AddApplicationInput(ctx, &ka.AddApplicationInputInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(1),
		Input: &kat.Input{NamePrefix: aws.String("SOURCE_SQL_STREAM"), KinesisStreamsInput: &kat.KinesisStreamsInput{ResourceARN: aws.String(createStream(t, srv, "in")), RoleARN: aws.String(role)},
			InputSchema: &kat.SourceSchema{
				RecordFormat:  &kat.RecordFormat{RecordFormatType: kat.RecordFormatTypeCsv},
				RecordColumns: []kat.RecordColumn{{Name: aws.String("TICKER_SYMBOL"), SqlType: aws.String("VARCHAR(4)")}},
			}}})
	wantErr(t, err, "CodeValidationException", "At line 4, column 36: Column 'SECTOR' not found in any table")
	if d := describe(t, c, "app"); len(d.InputDescriptions) != 0 || aws.ToInt64(d.ApplicationVersionId) != 1 {
		t.Fatalf("a refused input was added: %+v", d)
	}

	// Empty code, or comments only, is no code.
	if _, err := c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(1),
		ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String("-- nothing yet\n")}}); err != nil {
		t.Fatal(err)
	}
}
