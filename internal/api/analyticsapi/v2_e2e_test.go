package analyticsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
	ka2 "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2"
	ka2t "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2/types"

	"sluice/internal/analytics"
	"sluice/internal/testserver"
)

const serviceRole = "arn:aws:iam::000000000000:role/service"

func tickerSchemaV2() *ka2t.SourceSchema {
	return &ka2t.SourceSchema{
		RecordFormat: &ka2t.RecordFormat{
			RecordFormatType:  ka2t.RecordFormatTypeJson,
			MappingParameters: &ka2t.MappingParameters{JSONMappingParameters: &ka2t.JSONMappingParameters{RecordRowPath: aws.String("$")}},
		},
		RecordColumns: []ka2t.RecordColumn{
			{Name: aws.String("TICKER_SYMBOL"), SqlType: aws.String("VARCHAR(4)"), Mapping: aws.String("$.TICKER_SYMBOL")},
			{Name: aws.String("SECTOR"), SqlType: aws.String("VARCHAR(16)"), Mapping: aws.String("$.SECTOR")},
			{Name: aws.String("CHANGE"), SqlType: aws.String("REAL"), Mapping: aws.String("$.CHANGE")},
			{Name: aws.String("PRICE"), SqlType: aws.String("DOUBLE"), Mapping: aws.String("$.PRICE")},
		},
	}
}

func createV2(t *testing.T, c *ka2.Client, name, in, out string) *ka2t.ApplicationDetail {
	t.Helper()
	res, err := c.CreateApplication(t.Context(), &ka2.CreateApplicationInput{
		ApplicationName:      aws.String(name),
		RuntimeEnvironment:   ka2t.RuntimeEnvironmentSql10,
		ServiceExecutionRole: aws.String(serviceRole),
		ApplicationConfiguration: &ka2t.ApplicationConfiguration{
			SqlApplicationConfiguration: &ka2t.SqlApplicationConfiguration{
				Inputs: []ka2t.Input{{
					NamePrefix:          aws.String("SOURCE_SQL_STREAM"),
					KinesisStreamsInput: &ka2t.KinesisStreamsInput{ResourceARN: aws.String(in)},
					InputSchema:         tickerSchemaV2(),
				}},
				Outputs: []ka2t.Output{{
					Name:                 aws.String("DESTINATION_SQL_STREAM"),
					KinesisStreamsOutput: &ka2t.KinesisStreamsOutput{ResourceARN: aws.String(out)},
					DestinationSchema:    &ka2t.DestinationSchema{RecordFormatType: ka2t.RecordFormatTypeCsv},
				}},
			},
			ApplicationCodeConfiguration: &ka2t.ApplicationCodeConfiguration{
				CodeContentType: ka2t.CodeContentTypePlaintext,
				CodeContent:     &ka2t.CodeContent{TextContent: aws.String(filterCode)},
			},
		},
		CloudWatchLoggingOptions: []ka2t.CloudWatchLoggingOption{{LogStreamARN: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s")}},
		Tags:                     []ka2t.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.ApplicationDetail
}

// TestV2SQLApplication runs a SQL-1_0 application through the v2
// operations: its detail, ConditionalToken, versions, the v2 answers of the
// configuration operations, and how v1 and v2 share applications.
func TestV2SQLApplication(t *testing.T) {
	// Without a Runner (a build without the SQL engine), StartApplication
	// is refused: see below.
	srv := testserver.Start(t, testserver.WithAnalytics(func(c *analytics.Config) { c.Runner = nil }))
	c := srv.AnalyticsV2Client()
	c1 := srv.AnalyticsClient()
	ctx := t.Context()
	in := createStream(t, srv, "in")
	out := createStream(t, srv, "out")

	d := createV2(t, c, "app", in, out)
	if d.RuntimeEnvironment != ka2t.RuntimeEnvironmentSql10 || aws.ToString(d.ServiceExecutionRole) != serviceRole ||
		d.ApplicationStatus != ka2t.ApplicationStatusReady || aws.ToInt64(d.ApplicationVersionId) != 1 || aws.ToString(d.ConditionalToken) == "" {
		t.Fatalf("detail = %+v", d)
	}
	sql := d.ApplicationConfigurationDescription.SqlApplicationConfigurationDescription
	if len(sql.InputDescriptions) != 1 || aws.ToString(sql.InputDescriptions[0].InputId) != "1.1" ||
		aws.ToString(sql.InputDescriptions[0].KinesisStreamsInputDescription.RoleARN) != serviceRole ||
		len(sql.OutputDescriptions) != 1 || aws.ToString(sql.OutputDescriptions[0].OutputId) != "1.1" {
		t.Fatalf("sql configuration = %+v", sql)
	}
	code := d.ApplicationConfigurationDescription.ApplicationCodeConfigurationDescription
	if code.CodeContentType != ka2t.CodeContentTypePlaintext || aws.ToString(code.CodeContentDescription.TextContent) != filterCode ||
		aws.ToInt64(code.CodeContentDescription.CodeSize) != int64(len(filterCode)) {
		t.Fatalf("code = %+v", code)
	}
	if len(d.CloudWatchLoggingOptionDescriptions) != 1 || aws.ToString(d.CloudWatchLoggingOptionDescriptions[0].RoleARN) != serviceRole {
		t.Fatalf("logging = %+v", d.CloudWatchLoggingOptionDescriptions)
	}

	// UpdateApplication by ConditionalToken; a stale token, or none at all,
	// is refused.
	upd, err := c.UpdateApplication(ctx, &ka2.UpdateApplicationInput{
		ApplicationName: aws.String("app"), ConditionalToken: d.ConditionalToken,
		ApplicationConfigurationUpdate: &ka2t.ApplicationConfigurationUpdate{
			ApplicationCodeConfigurationUpdate: &ka2t.ApplicationCodeConfigurationUpdate{
				CodeContentUpdate: &ka2t.CodeContentUpdate{TextContentUpdate: aws.String(filterCode + "-- v2\n")},
			},
			SqlApplicationConfigurationUpdate: &ka2t.SqlApplicationConfigurationUpdate{
				InputUpdates: []ka2t.InputUpdate{{InputId: aws.String("1.1"), InputParallelismUpdate: &ka2t.InputParallelismUpdate{CountUpdate: aws.Int32(2)}}},
			},
		},
		ServiceExecutionRoleUpdate: aws.String("arn:aws:iam::000000000000:role/new"),
	})
	if err != nil {
		t.Fatal(err)
	}
	u := upd.ApplicationDetail
	if aws.ToInt64(u.ApplicationVersionId) != 2 || aws.ToString(u.ConditionalToken) == aws.ToString(d.ConditionalToken) ||
		aws.ToString(u.ServiceExecutionRole) != "arn:aws:iam::000000000000:role/new" ||
		aws.ToString(u.ApplicationConfigurationDescription.SqlApplicationConfigurationDescription.InputDescriptions[0].KinesisStreamsInputDescription.RoleARN) != "arn:aws:iam::000000000000:role/new" ||
		len(u.ApplicationConfigurationDescription.SqlApplicationConfigurationDescription.InputDescriptions[0].InAppStreamNames) != 2 {
		t.Fatalf("updated = %+v", u)
	}
	_, err = c.UpdateApplication(ctx, &ka2.UpdateApplicationInput{ApplicationName: aws.String("app"), ConditionalToken: d.ConditionalToken})
	wantErr(t, err, "ConcurrentModificationException", "")
	_, err = c.UpdateApplication(ctx, &ka2.UpdateApplicationInput{ApplicationName: aws.String("app")})
	wantErr(t, err, "InvalidArgumentException", "Either CurrentApplicationVersionId or ConditionalToken must be given.")
	_, err = c.UpdateApplication(ctx, &ka2.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(2), RuntimeEnvironmentUpdate: ka2t.RuntimeEnvironmentFlink120})
	wantErr(t, err, "InvalidArgumentException", "Sluice runs SQL applications only (RuntimeEnvironment SQL-1_0); RuntimeEnvironment FLINK-1_20 (Apache Flink, Zeppelin) is not supported.")

	// The v2 answers of the configuration operations.
	ao, err := c.AddApplicationOutput(ctx, &ka2.AddApplicationOutputInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(2),
		Output: &ka2t.Output{Name: aws.String("error_stream"), KinesisStreamsOutput: &ka2t.KinesisStreamsOutput{ResourceARN: aws.String(out)},
			DestinationSchema: &ka2t.DestinationSchema{RecordFormatType: ka2t.RecordFormatTypeJson}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(ao.ApplicationVersionId) != 3 || len(ao.OutputDescriptions) != 2 || aws.ToString(ao.OutputDescriptions[1].OutputId) != "3.1" ||
		aws.ToString(ao.ApplicationARN) != aws.ToString(d.ApplicationARN) {
		t.Fatalf("AddApplicationOutput = %+v", ao)
	}
	ar, err := c.AddApplicationReferenceDataSource(ctx, &ka2.AddApplicationReferenceDataSourceInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(3),
		ReferenceDataSource: &ka2t.ReferenceDataSource{
			TableName:             aws.String("CompanyName"),
			S3ReferenceDataSource: &ka2t.S3ReferenceDataSource{BucketARN: aws.String("arn:aws:s3:::refdata"), FileKey: aws.String("c.json")},
			ReferenceSchema:       tickerSchemaV2(),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ar.ReferenceDataSourceDescriptions) != 1 || aws.ToString(ar.ReferenceDataSourceDescriptions[0].ReferenceId) != "4.1" ||
		aws.ToString(ar.ReferenceDataSourceDescriptions[0].S3ReferenceDataSourceDescription.ReferenceRoleARN) != "arn:aws:iam::000000000000:role/new" {
		t.Fatalf("AddApplicationReferenceDataSource = %+v", ar)
	}
	dl, err := c.DeleteApplicationCloudWatchLoggingOption(ctx, &ka2.DeleteApplicationCloudWatchLoggingOptionInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(4), CloudWatchLoggingOptionId: aws.String("1.1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(dl.ApplicationVersionId) != 5 || len(dl.CloudWatchLoggingOptionDescriptions) != 0 {
		t.Fatalf("DeleteApplicationCloudWatchLoggingOption = %+v", dl)
	}
	do, err := c.DeleteApplicationOutput(ctx, &ka2.DeleteApplicationOutputInput{
		ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(5), OutputId: aws.String("3.1"),
	})
	if err != nil || aws.ToInt64(do.ApplicationVersionId) != 6 {
		t.Fatalf("DeleteApplicationOutput = %+v, %v", do, err)
	}

	// Every version's configuration is kept.
	v1, err := c.DescribeApplicationVersion(ctx, &ka2.DescribeApplicationVersionInput{ApplicationName: aws.String("app"), ApplicationVersionId: aws.Int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(v1.ApplicationVersionDetail.ApplicationVersionId) != 1 || aws.ToString(v1.ApplicationVersionDetail.ServiceExecutionRole) != serviceRole ||
		len(v1.ApplicationVersionDetail.CloudWatchLoggingOptionDescriptions) != 1 {
		t.Fatalf("version 1 = %+v", v1.ApplicationVersionDetail)
	}
	_, err = c.DescribeApplicationVersion(ctx, &ka2.DescribeApplicationVersionInput{ApplicationName: aws.String("app"), ApplicationVersionId: aws.Int64(7)})
	wantErr(t, err, "ResourceNotFoundException", "Version 7 of application app is not found.")
	var versions []int64
	var token *string
	for {
		page, err := c.ListApplicationVersions(ctx, &ka2.ListApplicationVersionsInput{ApplicationName: aws.String("app"), Limit: aws.Int32(4), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.ApplicationVersionSummaries {
			versions = append(versions, aws.ToInt64(s.ApplicationVersionId))
		}
		if page.NextToken == nil {
			break
		}
		token = page.NextToken
	}
	if len(versions) != 6 || versions[0] != 1 || versions[5] != 6 {
		t.Fatalf("versions = %v", versions)
	}

	// v1 sees a v2 application but may not change it.
	if d1 := describe(t, c1, "app"); aws.ToInt64(d1.ApplicationVersionId) != 6 || len(d1.InputDescriptions) != 1 {
		t.Fatalf("v1 describe = %+v", d1)
	}
	_, err = c1.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(6), ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String("x")}})
	wantErr(t, err, "UnsupportedOperationException", "app was created/updated by kinesisanalyticsv2 SDK. Please use kinesisanalyticsv2 SDK to make changes to app.")
	_, err = c1.DeleteApplication(ctx, &ka.DeleteApplicationInput{ApplicationName: aws.String("app"), CreateTimestamp: d.CreateTimestamp})
	wantErr(t, err, "UnsupportedOperationException", "")

	// v2 may change a v1 application, which then belongs to v2.
	if _, err := c1.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("old")}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListApplications(ctx, &ka2.ListApplicationsInput{})
	if err != nil || len(list.ApplicationSummaries) != 2 || list.ApplicationSummaries[1].RuntimeEnvironment != ka2t.RuntimeEnvironmentSql10 ||
		aws.ToInt64(list.ApplicationSummaries[0].ApplicationVersionId) != 6 {
		t.Fatalf("v2 list = %+v, %v", list, err)
	}
	if _, err := c.AddApplicationCloudWatchLoggingOption(ctx, &ka2.AddApplicationCloudWatchLoggingOptionInput{
		ApplicationName: aws.String("old"), CurrentApplicationVersionId: aws.Int64(1),
		CloudWatchLoggingOption: &ka2t.CloudWatchLoggingOption{LogStreamARN: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s")},
	}); err != nil {
		t.Fatal(err)
	}
	_, err = c1.AddApplicationCloudWatchLoggingOption(ctx, &ka.AddApplicationCloudWatchLoggingOptionInput{
		ApplicationName: aws.String("old"), CurrentApplicationVersionId: aws.Int64(2),
		CloudWatchLoggingOption: &kat.CloudWatchLoggingOption{LogStreamARN: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:t"), RoleARN: aws.String(role)},
	})
	wantErr(t, err, "UnsupportedOperationException", "")

	// Starting needs the engine, which this server was built without; a SQL
	// application is never force-stopped.
	_, err = c.StartApplication(ctx, &ka2.StartApplicationInput{ApplicationName: aws.String("app"), RunConfiguration: &ka2t.RunConfiguration{
		SqlRunConfigurations: []ka2t.SqlRunConfiguration{{InputId: aws.String("1.1"), InputStartingPositionConfiguration: &ka2t.InputStartingPositionConfiguration{InputStartingPosition: ka2t.InputStartingPositionTrimHorizon}}},
	}})
	wantErr(t, err, "UnsupportedOperationException", "")
	_, err = c.StartApplication(ctx, &ka2.StartApplicationInput{ApplicationName: aws.String("app"), RunConfiguration: &ka2t.RunConfiguration{
		FlinkRunConfiguration: &ka2t.FlinkRunConfiguration{AllowNonRestoredState: aws.Bool(true)},
	}})
	wantErr(t, err, "InvalidArgumentException", "FlinkRunConfiguration and ApplicationRestoreConfiguration are for Apache Flink applications; a SQL application starts with SqlRunConfigurations.")
	_, err = c.StopApplication(ctx, &ka2.StopApplicationInput{ApplicationName: aws.String("app"), Force: aws.Bool(true)})
	wantErr(t, err, "InvalidArgumentException", "Force stops Apache Flink applications only; a SQL application cannot be force-stopped.")

	cur, err := c.DescribeApplication(ctx, &ka2.DescribeApplicationInput{ApplicationName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteApplication(ctx, &ka2.DeleteApplicationInput{ApplicationName: aws.String("app"), CreateTimestamp: cur.ApplicationDetail.CreateTimestamp}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeApplicationVersion(ctx, &ka2.DescribeApplicationVersionInput{ApplicationName: aws.String("app"), ApplicationVersionId: aws.Int64(1)})
	wantErr(t, err, "ResourceNotFoundException", "Application app is not found under account 000000000000.")
}

// TestV2RefusesFlink checks that Flink and Zeppelin applications, and the
// configuration only they take, are refused, and that the operations only
// they have answer with the reason.
func TestV2RefusesFlink(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsV2Client()
	ctx := t.Context()

	create := func(in ka2.CreateApplicationInput) error {
		in.ApplicationName, in.ServiceExecutionRole = aws.String("flink"), aws.String(serviceRole)
		_, err := c.CreateApplication(ctx, &in)
		return err
	}
	wantErr(t, create(ka2.CreateApplicationInput{RuntimeEnvironment: ka2t.RuntimeEnvironmentFlink115}), "InvalidArgumentException",
		"Sluice runs SQL applications only (RuntimeEnvironment SQL-1_0); RuntimeEnvironment FLINK-1_15 (Apache Flink, Zeppelin) is not supported.")
	wantErr(t, create(ka2.CreateApplicationInput{RuntimeEnvironment: ka2t.RuntimeEnvironmentZeppelinFlink30, ApplicationMode: ka2t.ApplicationModeInteractive}), "InvalidArgumentException", "")
	wantErr(t, create(ka2.CreateApplicationInput{RuntimeEnvironment: ka2t.RuntimeEnvironmentSql10, ApplicationConfiguration: &ka2t.ApplicationConfiguration{
		FlinkApplicationConfiguration: &ka2t.FlinkApplicationConfiguration{},
	}}), "InvalidArgumentException", "FlinkApplicationConfiguration is for Apache Flink applications; a SQL application (SQL-1_0) does not take it, and Sluice runs SQL applications only.")
	wantErr(t, create(ka2.CreateApplicationInput{RuntimeEnvironment: ka2t.RuntimeEnvironmentSql10, ApplicationConfiguration: &ka2t.ApplicationConfiguration{
		ApplicationCodeConfiguration: &ka2t.ApplicationCodeConfiguration{CodeContentType: ka2t.CodeContentTypeZipfile, CodeContent: &ka2t.CodeContent{ZipFileContent: []byte("PK")}},
	}}), "InvalidArgumentException", "A SQL application's code must be PLAINTEXT (CodeContent.TextContent); CodeContentType ZIPFILE is not supported.")
	wantErr(t, create(ka2.CreateApplicationInput{RuntimeEnvironment: "SQL-1.0"}), "ValidationException", "")

	// The operations of Flink applications, on a missing application and
	// on a SQL one.
	if _, err := c.CreateApplication(ctx, &ka2.CreateApplicationInput{ApplicationName: aws.String("sql"), RuntimeEnvironment: ka2t.RuntimeEnvironmentSql10, ServiceExecutionRole: aws.String(serviceRole)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		op   string
		code string
		call func(name string) error
	}{
		{"RollbackApplication", "UnsupportedOperationException", func(n string) error {
			_, err := c.RollbackApplication(ctx, &ka2.RollbackApplicationInput{ApplicationName: aws.String(n), CurrentApplicationVersionId: aws.Int64(1)})
			return err
		}},
		{"CreateApplicationSnapshot", "UnsupportedOperationException", func(n string) error {
			_, err := c.CreateApplicationSnapshot(ctx, &ka2.CreateApplicationSnapshotInput{ApplicationName: aws.String(n), SnapshotName: aws.String("s")})
			return err
		}},
		{"DeleteApplicationSnapshot", "UnsupportedOperationException", func(n string) error {
			_, err := c.DeleteApplicationSnapshot(ctx, &ka2.DeleteApplicationSnapshotInput{ApplicationName: aws.String(n), SnapshotName: aws.String("s"), SnapshotCreationTimestamp: aws.Time(serverNow())})
			return err
		}},
		{"DescribeApplicationSnapshot", "UnsupportedOperationException", func(n string) error {
			_, err := c.DescribeApplicationSnapshot(ctx, &ka2.DescribeApplicationSnapshotInput{ApplicationName: aws.String(n), SnapshotName: aws.String("s")})
			return err
		}},
		{"ListApplicationSnapshots", "UnsupportedOperationException", func(n string) error {
			_, err := c.ListApplicationSnapshots(ctx, &ka2.ListApplicationSnapshotsInput{ApplicationName: aws.String(n)})
			return err
		}},
		{"AddApplicationVpcConfiguration", "InvalidArgumentException", func(n string) error {
			_, err := c.AddApplicationVpcConfiguration(ctx, &ka2.AddApplicationVpcConfigurationInput{ApplicationName: aws.String(n), CurrentApplicationVersionId: aws.Int64(1),
				VpcConfiguration: &ka2t.VpcConfiguration{SubnetIds: []string{"subnet-1"}, SecurityGroupIds: []string{"sg-1"}}})
			return err
		}},
		{"DeleteApplicationVpcConfiguration", "InvalidArgumentException", func(n string) error {
			_, err := c.DeleteApplicationVpcConfiguration(ctx, &ka2.DeleteApplicationVpcConfigurationInput{ApplicationName: aws.String(n), CurrentApplicationVersionId: aws.Int64(1), VpcConfigurationId: aws.String("1.1")})
			return err
		}},
		{"CreateApplicationPresignedUrl", "InvalidArgumentException", func(n string) error {
			_, err := c.CreateApplicationPresignedUrl(ctx, &ka2.CreateApplicationPresignedUrlInput{ApplicationName: aws.String(n), UrlType: ka2t.UrlTypeFlinkDashboardUrl})
			return err
		}},
		{"DescribeApplicationOperation", "UnsupportedOperationException", func(n string) error {
			_, err := c.DescribeApplicationOperation(ctx, &ka2.DescribeApplicationOperationInput{ApplicationName: aws.String(n), OperationId: aws.String("op")})
			return err
		}},
		{"ListApplicationOperations", "UnsupportedOperationException", func(n string) error {
			_, err := c.ListApplicationOperations(ctx, &ka2.ListApplicationOperationsInput{ApplicationName: aws.String(n)})
			return err
		}},
		{"UpdateApplicationMaintenanceConfiguration", "UnsupportedOperationException", func(n string) error {
			_, err := c.UpdateApplicationMaintenanceConfiguration(ctx, &ka2.UpdateApplicationMaintenanceConfigurationInput{ApplicationName: aws.String(n),
				ApplicationMaintenanceConfigurationUpdate: &ka2t.ApplicationMaintenanceConfigurationUpdate{ApplicationMaintenanceWindowStartTimeUpdate: aws.String("03:00")}})
			return err
		}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			wantErr(t, tc.call("missing"), "ResourceNotFoundException", "Application missing is not found under account 000000000000.")
			wantErr(t, tc.call("sql"), tc.code, tc.op+" is for Apache Flink applications; sql is a SQL application (SQL-1_0), and Sluice runs SQL applications only.")
		})
	}
}
