package analyticsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
	ka2 "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2"
	ka2t "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// TestInputProcessing adds, updates and deletes an input's Lambda
// preprocessor through v1 and v2, on a server with a Lambda endpoint
// (which configuration never calls).
func TestInputProcessing(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.LambdaEndpoint = "http://127.0.0.1:1" }))
	c := srv.AnalyticsClient()
	c2 := srv.AnalyticsV2Client()
	ctx := t.Context()
	in := createStream(t, srv, "in")
	fn := "arn:aws:lambda:us-east-1:000000000000:function:pre"

	// v1: an input added to an application that had none gets the ID of
	// the version that added it.
	if _, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("one")}); err != nil {
		t.Fatal(err)
	}
	input := streamInput(in)
	if _, err := c.AddApplicationInput(ctx, &ka.AddApplicationInputInput{ApplicationName: aws.String("one"), CurrentApplicationVersionId: aws.Int64(1), Input: &input}); err != nil {
		t.Fatal(err)
	}
	if id := aws.ToString(describe(t, c, "one").InputDescriptions[0].InputId); id != "2.1" {
		t.Fatalf("input ID = %s", id)
	}
	if _, err := c.AddApplicationInputProcessingConfiguration(ctx, &ka.AddApplicationInputProcessingConfigurationInput{
		ApplicationName: aws.String("one"), CurrentApplicationVersionId: aws.Int64(2), InputId: aws.String("2.1"),
		InputProcessingConfiguration: &kat.InputProcessingConfiguration{InputLambdaProcessor: &kat.InputLambdaProcessor{ResourceARN: aws.String(fn), RoleARN: aws.String(role)}},
	}); err != nil {
		t.Fatal(err)
	}
	_, err := c.AddApplicationInputProcessingConfiguration(ctx, &ka.AddApplicationInputProcessingConfigurationInput{
		ApplicationName: aws.String("one"), CurrentApplicationVersionId: aws.Int64(3), InputId: aws.String("2.1"),
		InputProcessingConfiguration: &kat.InputProcessingConfiguration{InputLambdaProcessor: &kat.InputLambdaProcessor{ResourceARN: aws.String(fn), RoleARN: aws.String(role)}},
	})
	wantErr(t, err, "InvalidArgumentException", "Input 2.1 of application one already has an input processing configuration.")
	if _, err := c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("one"), CurrentApplicationVersionId: aws.Int64(3),
		ApplicationUpdate: &kat.ApplicationUpdate{InputUpdates: []kat.InputUpdate{{InputId: aws.String("2.1"),
			InputProcessingConfigurationUpdate: &kat.InputProcessingConfigurationUpdate{InputLambdaProcessorUpdate: &kat.InputLambdaProcessorUpdate{
				ResourceARNUpdate: aws.String(fn + "2"),
			}},
		}}}}); err != nil {
		t.Fatal(err)
	}
	p := describe(t, c, "one").InputDescriptions[0].InputProcessingConfigurationDescription.InputLambdaProcessorDescription
	if aws.ToString(p.ResourceARN) != fn+"2" || aws.ToString(p.RoleARN) != role {
		t.Fatalf("processor = %+v", p)
	}
	_, err = c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("one"), CurrentApplicationVersionId: aws.Int64(4),
		ApplicationUpdate: &kat.ApplicationUpdate{InputUpdates: []kat.InputUpdate{{InputId: aws.String("2.1"),
			InputProcessingConfigurationUpdate: &kat.InputProcessingConfigurationUpdate{InputLambdaProcessorUpdate: &kat.InputLambdaProcessorUpdate{
				ResourceARNUpdate: aws.String("arn:aws:sqs:us-east-1:000000000000:q"),
			}},
		}}}})
	wantErr(t, err, "InvalidArgumentException", "The InputLambdaProcessor ResourceARN arn:aws:sqs:us-east-1:000000000000:q is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>).")
	if _, err := c.DeleteApplicationInputProcessingConfiguration(ctx, &ka.DeleteApplicationInputProcessingConfigurationInput{
		ApplicationName: aws.String("one"), CurrentApplicationVersionId: aws.Int64(4), InputId: aws.String("2.1"),
	}); err != nil {
		t.Fatal(err)
	}
	if d := describe(t, c, "one"); d.InputDescriptions[0].InputProcessingConfigurationDescription != nil || aws.ToInt64(d.ApplicationVersionId) != 5 {
		t.Fatalf("after deletion: %+v", d)
	}

	// v2: the answers carry the descriptions; roles are the service role.
	if _, err := c2.CreateApplication(ctx, &ka2.CreateApplicationInput{ApplicationName: aws.String("two"), RuntimeEnvironment: ka2t.RuntimeEnvironmentSql10, ServiceExecutionRole: aws.String(serviceRole)}); err != nil {
		t.Fatal(err)
	}
	ai, err := c2.AddApplicationInput(ctx, &ka2.AddApplicationInputInput{ApplicationName: aws.String("two"), CurrentApplicationVersionId: aws.Int64(1), Input: &ka2t.Input{
		NamePrefix: aws.String("SOURCE_SQL_STREAM"), KinesisStreamsInput: &ka2t.KinesisStreamsInput{ResourceARN: aws.String(in)}, InputSchema: tickerSchemaV2(),
		InputParallelism: &ka2t.InputParallelism{Count: aws.Int32(2)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(ai.ApplicationVersionId) != 2 || len(ai.InputDescriptions) != 1 || aws.ToString(ai.InputDescriptions[0].InputId) != "2.1" ||
		len(ai.InputDescriptions[0].InAppStreamNames) != 2 {
		t.Fatalf("AddApplicationInput = %+v", ai)
	}
	ap, err := c2.AddApplicationInputProcessingConfiguration(ctx, &ka2.AddApplicationInputProcessingConfigurationInput{
		ApplicationName: aws.String("two"), CurrentApplicationVersionId: aws.Int64(2), InputId: aws.String("2.1"),
		InputProcessingConfiguration: &ka2t.InputProcessingConfiguration{InputLambdaProcessor: &ka2t.InputLambdaProcessor{ResourceARN: aws.String(fn)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(ap.InputId) != "2.1" || aws.ToString(ap.InputProcessingConfigurationDescription.InputLambdaProcessorDescription.RoleARN) != serviceRole ||
		aws.ToInt64(ap.ApplicationVersionId) != 3 {
		t.Fatalf("AddApplicationInputProcessingConfiguration = %+v", ap)
	}
	dp, err := c2.DeleteApplicationInputProcessingConfiguration(ctx, &ka2.DeleteApplicationInputProcessingConfigurationInput{
		ApplicationName: aws.String("two"), CurrentApplicationVersionId: aws.Int64(3), InputId: aws.String("2.1"),
	})
	if err != nil || aws.ToInt64(dp.ApplicationVersionId) != 4 {
		t.Fatalf("DeleteApplicationInputProcessingConfiguration = %+v, %v", dp, err)
	}
	ar, err := c2.AddApplicationReferenceDataSource(ctx, &ka2.AddApplicationReferenceDataSourceInput{ApplicationName: aws.String("two"), CurrentApplicationVersionId: aws.Int64(4),
		ReferenceDataSource: &ka2t.ReferenceDataSource{TableName: aws.String("T"), ReferenceSchema: tickerSchemaV2(),
			S3ReferenceDataSource: &ka2t.S3ReferenceDataSource{BucketARN: aws.String("arn:aws:s3:::MyS3Bucket"), FileKey: aws.String("k")}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c2.AddApplicationReferenceDataSource(ctx, &ka2.AddApplicationReferenceDataSourceInput{ApplicationName: aws.String("two"), CurrentApplicationVersionId: aws.Int64(5),
		ReferenceDataSource: &ka2t.ReferenceDataSource{TableName: aws.String("U"), ReferenceSchema: tickerSchemaV2(),
			S3ReferenceDataSource: &ka2t.S3ReferenceDataSource{BucketARN: aws.String("arn:aws:s3:::b"), FileKey: aws.String("k")}}})
	wantErr(t, err, "InvalidArgumentException", "Application two already has a reference data source (5.1): an application has 1.")
	dr, err := c2.DeleteApplicationReferenceDataSource(ctx, &ka2.DeleteApplicationReferenceDataSourceInput{ApplicationName: aws.String("two"), CurrentApplicationVersionId: aws.Int64(5),
		ReferenceId: ar.ReferenceDataSourceDescriptions[0].ReferenceId})
	if err != nil || aws.ToInt64(dr.ApplicationVersionId) != 6 {
		t.Fatalf("DeleteApplicationReferenceDataSource = %+v, %v", dr, err)
	}
	// v2 errors carry their message as "Message".
	status, body := call(t, srv, "KinesisAnalytics_20180523.DescribeApplication", []byte(`{"ApplicationName":"none"}`))
	if status != 400 || body["__type"] != "ResourceNotFoundException" || body["Message"] != "Application none is not found under account 000000000000." {
		t.Fatalf("v2 error = %d %v", status, body)
	}
	status, body = call(t, srv, "KinesisAnalytics_20150814.DescribeApplication", []byte(`{"ApplicationName":"none"}`))
	if status != 400 || body["message"] != "Application none is not found under account 000000000000." {
		t.Fatalf("v1 error = %d %v", status, body)
	}
}
