package analyticsapi

// DiscoverInputSchema (v1 and v2): samples up to 100 records of a Sluice
// data stream or Firehose delivery stream (ResourceARN, from NOW or
// TRIM_HORIZON; LAST_STOPPED_POINT is InvalidArgumentException), or the
// first MiB of an S3 object (local directory or --s3-endpoint), runs them
// through the Lambda preprocessor when one is given, and infers the
// schema (package record): InputSchema, ParsedInputRecords (rows as
// strings, null for NULL),
// ProcessedInputRecords and RawInputRecords. Exactly one of ResourceARN and
// S3Configuration; v1 needs the RoleARN with ResourceARN. No records, or
// records whose format cannot be told, is UnableToDetectSchemaException; a
// stream read over its limits is
// ResourceProvisionedThroughputExceededException.

import (
	"context"

	"sluice/internal/analytics"
	"sluice/internal/awsproto/shape"
)

var discoverInputV1 = shape.Struct(
	shape.Opt("ResourceARN", arnShape),
	shape.Opt("RoleARN", roleShapeV1),
	shape.Opt("InputStartingPositionConfiguration", startingPositionShape),
	shape.Opt("S3Configuration", shape.Struct(
		shape.Req("RoleARN", roleShapeV1),
		shape.Req("BucketARN", arnShape),
		shape.Req("FileKey", fileKeyShape),
	).Named("S3Configuration")),
	shape.Opt("InputProcessingConfiguration", processingShapeV1),
).Named("DiscoverInputSchemaRequest")

var discoverInputV2 = shape.Struct(
	shape.Opt("ResourceARN", arnShape),
	shape.Req("ServiceExecutionRole", roleShapeV2),
	shape.Opt("InputStartingPositionConfiguration", startingPositionShape),
	shape.Opt("S3Configuration", shape.Struct(
		shape.Req("BucketARN", arnShape),
		shape.Req("FileKey", fileKeyShape),
	).Named("S3Configuration")),
	shape.Opt("InputProcessingConfiguration", processingShapeV2),
).Named("DiscoverInputSchemaRequest")

type discoverIn struct {
	ResourceARN                        *string
	RoleARN                            *string
	ServiceExecutionRole               *string
	InputStartingPositionConfiguration *positionIn
	S3Configuration                    *struct {
		RoleARN   *string
		BucketARN string
		FileKey   string
	}
	InputProcessingConfiguration *struct{ InputLambdaProcessor resourceIn }
}

type discoverOut struct {
	InputSchema           *schemaOut  `json:"InputSchema"`
	ParsedInputRecords    [][]*string `json:"ParsedInputRecords"`
	ProcessedInputRecords []string    `json:"ProcessedInputRecords,omitempty"`
	RawInputRecords       []string    `json:"RawInputRecords"`
}

func (in *discoverIn) params() analytics.DiscoverParams {
	p := analytics.DiscoverParams{ResourceARN: deref(in.ResourceARN)}
	if pc := in.InputStartingPositionConfiguration; pc != nil {
		p.Position = analytics.StartingPosition(deref(pc.InputStartingPosition))
	}
	if s := in.S3Configuration; s != nil {
		p.S3 = &analytics.Reference{Bucket: analytics.Resource{ARN: s.BucketARN, RoleARN: deref(s.RoleARN)}, FileKey: s.FileKey}
	}
	if pc := in.InputProcessingConfiguration; pc != nil {
		r := pc.InputLambdaProcessor.domain("")
		p.Processing = &r
	}
	return p
}

func (a *API) discover(ctx context.Context, p analytics.DiscoverParams) (*discoverOut, error) {
	d, err := a.svc.Discover(ctx, caller(ctx), p)
	if err != nil {
		return nil, err
	}
	out := &discoverOut{InputSchema: schemaOf(d.Schema), ParsedInputRecords: d.Parsed, ProcessedInputRecords: d.Processed, RawInputRecords: d.Raw}
	if out.ParsedInputRecords == nil {
		out.ParsedInputRecords = [][]*string{}
	}
	return out, nil
}

func (a *API) discoverV1(ctx context.Context, in *discoverIn) (*discoverOut, error) {
	if in.ResourceARN != nil && in.RoleARN == nil {
		return nil, wireV1(analytics.InvalidArgument("RoleARN must be given with ResourceARN: the role Kinesis Analytics reads the stream with."))
	}
	out, err := a.discover(ctx, in.params())
	return out, wireV1(err)
}

func (a *API) discoverV2(ctx context.Context, in *discoverIn) (*discoverOut, error) {
	out, err := a.discover(ctx, in.params())
	return out, wireV2(err)
}
