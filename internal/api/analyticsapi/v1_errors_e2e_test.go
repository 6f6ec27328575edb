package analyticsapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/analytics"
	"sluice/internal/testserver"
)

// TestV1CreateRefusals checks CreateApplication's refusals, each with
// AWS's error and nothing created.
func TestV1CreateRefusals(t *testing.T) {
	srv := testserver.Start(t, testserver.WithAnalytics(func(c *analytics.Config) { c.ApplicationLimit = 2 }))
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "in")
	out := createStream(t, srv, "out")
	missing := "arn:aws:kinesis:us-east-1:" + account + ":stream/nope"

	withSchema := func(mut func(s *kat.SourceSchema)) kat.Input {
		i := streamInput(in)
		mut(i.InputSchema)
		return i
	}
	both := streamInput(in)
	both.KinesisFirehoseInput = &kat.KinesisFirehoseInput{ResourceARN: aws.String("arn:aws:firehose:us-east-1:" + account + ":deliverystream/x"), RoleARN: aws.String(role)}
	parallel := streamInput(in)
	parallel.InputParallelism = &kat.InputParallelism{Count: aws.Int32(65)}
	badRole := streamInput(in)
	badRole.KinesisStreamsInput.RoleARN = aws.String("arn:aws:iam::1:user/x")
	tags := make([]kat.Tag, 51)
	for i := range tags {
		tags[i] = kat.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")}
	}

	for _, tc := range []struct {
		name       string
		in         ka.CreateApplicationInput
		code, msg  string
		msgHasPart string
	}{
		{name: "name pattern", in: ka.CreateApplicationInput{ApplicationName: aws.String("bad name")}, code: "ValidationException",
			msg: "1 validation error detected: Value 'bad name' at 'applicationName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{name: "name length", in: ka.CreateApplicationInput{ApplicationName: aws.String(strings.Repeat("a", 129))}, code: "ValidationException",
			msgHasPart: "at 'applicationName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{name: "code size", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), ApplicationCode: aws.String(strings.Repeat("-", 102401))}, code: "ValidationException",
			msgHasPart: "at 'applicationCode' failed to satisfy constraint: Member must have length less than or equal to 102400"},
		{name: "description size", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), ApplicationDescription: aws.String(strings.Repeat("d", 1025))}, code: "ValidationException",
			msgHasPart: "at 'applicationDescription' failed to satisfy constraint: Member must have length less than or equal to 1024"},
		{name: "parallelism", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{parallel}}, code: "ValidationException",
			msg: "1 validation error detected: Value '65' at 'inputs.1.member.inputParallelism.count' failed to satisfy constraint: Member must have value less than or equal to 64"},
		{name: "role pattern", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{badRole}}, code: "ValidationException",
			msg: `1 validation error detected: Value 'arn:aws:iam::1:user/x' at 'inputs.1.member.kinesisStreamsInput.roleARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`},
		{name: "missing stream", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{streamInput(missing)}}, code: "InvalidArgumentException",
			msg: "Kinesis Analytics cannot use the Kinesis stream " + missing + " as input: Stream nope under account 000000000000 not found."},
		{name: "missing output stream", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Outputs: []kat.Output{streamOutput(missing)}}, code: "InvalidArgumentException",
			msg: "Kinesis Analytics cannot use the Kinesis stream " + missing + " as output: Stream nope under account 000000000000 not found."},
		{name: "two inputs", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{streamInput(in), streamInput(in)}}, code: "InvalidArgumentException",
			msg: "An application can have 1 streaming input; 2 were given."},
		{name: "four outputs", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Outputs: []kat.Output{streamOutput(out), streamOutput(out), streamOutput(out), streamOutput(out)}}, code: "InvalidArgumentException",
			msg: "An application can have up to 3 outputs; 4 were given."},
		{name: "two sources", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{both}}, code: "InvalidArgumentException",
			msg: "Exactly one of KinesisFirehoseInput, KinesisStreamsInput must be given for the input."},
		{name: "no destination", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Outputs: []kat.Output{{Name: aws.String("DESTINATION_SQL_STREAM"), DestinationSchema: &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson}}}},
			code: "InvalidArgumentException", msg: "Exactly one of KinesisFirehoseOutput, KinesisStreamsOutput, LambdaOutput must be given for the output."},
		{name: "sql type", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{withSchema(func(s *kat.SourceSchema) {
			s.RecordColumns[0].SqlType = aws.String("VARCHAR(0)")
		})}}, code: "InvalidArgumentException", msg: "Invalid SqlType of column TICKER_SYMBOL of the input schema: 'VARCHAR(0)': the length of VARCHAR must be from 1 to 65534."},
		{name: "interval type", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{withSchema(func(s *kat.SourceSchema) {
			s.RecordColumns[0].SqlType = aws.String("INTERVAL DAY")
		})}}, code: "InvalidArgumentException", msg: `Invalid SqlType of column TICKER_SYMBOL of the input schema: "INTERVAL DAY" is an interval type, which a column cannot have.`},
		{name: "json mapping", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{withSchema(func(s *kat.SourceSchema) {
			s.RecordColumns[1].Mapping = nil
		})}}, code: "InvalidArgumentException", msg: "Column SECTOR of the input schema has no Mapping: JSON records need a JSONPath for each column."},
		{name: "duplicate column", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{withSchema(func(s *kat.SourceSchema) {
			s.RecordColumns[1].Name = aws.String("TICKER_SYMBOL")
		})}}, code: "InvalidArgumentException", msg: "Column name TICKER_SYMBOL appears twice in the input schema."},
		{name: "column name", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{withSchema(func(s *kat.SourceSchema) {
			s.RecordColumns[1].Name = aws.String("a-b")
		})}}, code: "InvalidArgumentException", msg: `Column name "a-b" of the input schema is not valid: it must be 1 to 256 characters, without -, whitespace, <, > or &.`},
		{name: "csv parameters on json", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Inputs: []kat.Input{withSchema(func(s *kat.SourceSchema) {
			s.RecordFormat.MappingParameters = &kat.MappingParameters{CSVMappingParameters: &kat.CSVMappingParameters{RecordRowDelimiter: aws.String("\n"), RecordColumnDelimiter: aws.String(",")}}
		})}}, code: "InvalidArgumentException", msg: "The input schema has RecordFormatType JSON and CSVMappingParameters; JSON records take JSONMappingParameters."},
		{name: "too many tags", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Tags: tags}, code: "TooManyTagsException", msg: "Application a cannot have more than 50 tags."},
		{name: "reserved tag", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Tags: []kat.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}}, code: "InvalidArgumentException",
			msg: "Tag keys starting with aws: are reserved for AWS: aws:x."},
		{name: "lambda output without endpoint", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), Outputs: []kat.Output{{
			Name:              aws.String("DESTINATION_SQL_STREAM"),
			LambdaOutput:      &kat.LambdaOutput{ResourceARN: aws.String("arn:aws:lambda:us-east-1:000000000000:function:f"), RoleARN: aws.String(role)},
			DestinationSchema: &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
		}}}, code: "InvalidArgumentException", msg: "LambdaOutput needs a Lambda endpoint: start sluice with --lambda-endpoint."},
		{name: "logging arn", in: ka.CreateApplicationInput{ApplicationName: aws.String("a"), CloudWatchLoggingOptions: []kat.CloudWatchLoggingOption{{
			LogStreamARN: aws.String("arn:aws:s3:::bucket"), RoleARN: aws.String(role),
		}}}, code: "InvalidArgumentException", msgHasPart: "LogStreamARN arn:aws:s3:::bucket is not a CloudWatch Logs log stream ARN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateApplication(t.Context(), &tc.in)
			wantErr(t, err, tc.code, tc.msg)
			if tc.msgHasPart != "" && !strings.Contains(err.Error(), tc.msgHasPart) {
				t.Fatalf("message %v lacks %q", err, tc.msgHasPart)
			}
		})
	}
	list, err := c.ListApplications(t.Context(), &ka.ListApplicationsInput{})
	if err != nil || len(list.ApplicationSummaries) != 0 {
		t.Fatalf("refusals created %v (%v)", list.ApplicationSummaries, err)
	}

	for _, name := range []string{"one", "two"} {
		if _, err := c.CreateApplication(t.Context(), &ka.CreateApplicationInput{ApplicationName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.CreateApplication(t.Context(), &ka.CreateApplicationInput{ApplicationName: aws.String("three")})
	wantErr(t, err, "LimitExceededException", "You have reached the limit of 2 applications in account 000000000000, region us-east-1.")
}

// TestV1ChangeRefusals checks the refusals of the operations that change
// an application, and that none of them changes its version.
func TestV1ChangeRefusals(t *testing.T) {
	// A server without the SQL engine (no Runner): starts are validated
	// before its absence is reported.
	srv := testserver.Start(t, testserver.WithAnalytics(func(c *analytics.Config) { c.Runner = nil }))
	c := srv.AnalyticsClient()
	ctx := t.Context()
	in := createStream(t, srv, "in")
	out := createStream(t, srv, "out")
	if _, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{
		ApplicationName: aws.String("app"), Inputs: []kat.Input{streamInput(in)},
		Outputs: []kat.Output{streamOutput(out), streamOutput(out), streamOutput(out)},
	}); err != nil {
		t.Fatal(err)
	}
	v := aws.Int64(1)
	arn := "arn:aws:kinesisanalytics:us-east-1:" + account + ":application/app"

	_, err := c.AddApplicationInput(ctx, &ka.AddApplicationInputInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: v, Input: &[]kat.Input{streamInput(in)}[0]})
	wantErr(t, err, "InvalidArgumentException", "Application app already has an input (1.1): an application has 1 streaming input.")
	_, err = c.AddApplicationOutput(ctx, &ka.AddApplicationOutputInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: v, Output: &[]kat.Output{streamOutput(out)}[0]})
	wantErr(t, err, "InvalidArgumentException", "Application app already has 3 outputs, the most an application can have.")
	_, err = c.AddApplicationInput(ctx, &ka.AddApplicationInputInput{ApplicationName: aws.String("nope"), CurrentApplicationVersionId: v, Input: &[]kat.Input{streamInput(in)}[0]})
	wantErr(t, err, "ResourceNotFoundException", "Application nope is not found under account 000000000000.")
	_, err = c.DeleteApplicationInputProcessingConfiguration(ctx, &ka.DeleteApplicationInputProcessingConfigurationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: v, InputId: aws.String("1.1")})
	wantErr(t, err, "InvalidArgumentException", "Input 1.1 of application app has no input processing configuration.")
	_, err = c.DeleteApplicationInputProcessingConfiguration(ctx, &ka.DeleteApplicationInputProcessingConfigurationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: v, InputId: aws.String("9.9")})
	wantErr(t, err, "ResourceNotFoundException", "Application app has no input with ID 9.9.")
	_, err = c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: v, ApplicationUpdate: &kat.ApplicationUpdate{
		InputUpdates: []kat.InputUpdate{{InputId: aws.String("1.1"), KinesisStreamsInputUpdate: &kat.KinesisStreamsInputUpdate{ResourceARNUpdate: aws.String("arn:aws:kinesis:us-east-1:" + account + ":stream/gone")}}},
	}})
	wantErr(t, err, "InvalidArgumentException", "Kinesis Analytics cannot use the Kinesis stream arn:aws:kinesis:us-east-1:000000000000:stream/gone as input: Stream gone under account 000000000000 not found.")
	_, err = c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: v, ApplicationUpdate: &kat.ApplicationUpdate{
		OutputUpdates: []kat.OutputUpdate{{OutputId: aws.String("1.1")}, {OutputId: aws.String("1.1")}},
	}})
	wantErr(t, err, "InvalidArgumentException", "The output 1.1 is updated twice in one request.")
	_, err = c.UpdateApplication(ctx, &ka.UpdateApplicationInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(7), ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String("x")}})
	wantErr(t, err, "ConcurrentModificationException", "The version 7 of application app does not match its current version 1: describe the application and retry with the current version.")
	_, err = c.AddApplicationCloudWatchLoggingOption(ctx, &ka.AddApplicationCloudWatchLoggingOptionInput{ApplicationName: aws.String("app"), CurrentApplicationVersionId: aws.Int64(0),
		CloudWatchLoggingOption: &kat.CloudWatchLoggingOption{LogStreamARN: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s"), RoleARN: aws.String(role)}})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '0' at 'currentApplicationVersionId' failed to satisfy constraint: Member must have value greater than or equal to 1")

	// Starts: validated before the engine's absence is reported (AWS
	// starts an application that never ran from LAST_STOPPED_POINT).
	start := func(id string, pos kat.InputStartingPosition) error {
		_, err := c.StartApplication(ctx, &ka.StartApplicationInput{ApplicationName: aws.String("app"), InputConfigurations: []kat.InputConfiguration{{
			Id: aws.String(id), InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: pos},
		}}})
		return err
	}
	wantErr(t, start("1.1", kat.InputStartingPositionLastStoppedPoint), "UnsupportedOperationException", "")
	wantErr(t, start("2.1", kat.InputStartingPositionNow), "InvalidArgumentException", "Input 2.1 is not an input of application app.")
	_, err = c.StartApplication(ctx, &ka.StartApplicationInput{ApplicationName: aws.String("nope"), InputConfigurations: []kat.InputConfiguration{}})
	wantErr(t, err, "ResourceNotFoundException", "Application nope is not found under account 000000000000.")

	// Tags by ARN.
	_, err = c.ListTagsForResource(ctx, &ka.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/in")})
	wantErr(t, err, "ValidationException", "")
	_, err = c.ListTagsForResource(ctx, &ka.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:kinesisanalytics:us-east-1:111111111111:application/app")})
	wantErr(t, err, "ResourceNotFoundException", "Application arn:aws:kinesisanalytics:us-east-1:111111111111:application/app is not found under account 000000000000 in region us-east-1.")
	many := make([]kat.Tag, 50)
	for i := range many {
		many[i] = kat.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")}
	}
	if _, err := c.TagResource(ctx, &ka.TagResourceInput{ResourceARN: aws.String(arn), Tags: many}); err != nil {
		t.Fatal(err)
	}
	_, err = c.TagResource(ctx, &ka.TagResourceInput{ResourceARN: aws.String(arn), Tags: []kat.Tag{{Key: aws.String("one-more"), Value: aws.String("v")}}})
	wantErr(t, err, "TooManyTagsException", "Application app cannot have more than 50 tags.")

	if got := aws.ToInt64(describe(t, c, "app").ApplicationVersionId); got != 1 {
		t.Fatalf("refusals changed the version to %d", got)
	}
}
