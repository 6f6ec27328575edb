package analytics

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// DiscoverParams are DiscoverInputSchema's: a stream or delivery stream
// (ResourceARN) read from Position, or an S3 object; and optionally a
// Lambda preprocessor the samples go through first.
type DiscoverParams struct {
	ResourceARN string
	Position    StartingPosition // "" is NOW
	// S3 is the bucket (its ARN) and the object key.
	S3         *Reference
	Processing *Resource
}

// Discovery is DiscoverInputSchema's answer.
type Discovery struct {
	Schema Schema
	// Parsed are the rows of the samples, each a list of column values
	// (nil for NULL).
	Parsed [][]*string
	// Processed are the samples as the preprocessor returned them (with
	// Processing only); Raw are the samples as read.
	Processed []string
	Raw       []string
}

// MaxSampleObject is how much of an S3 object discovery reads.
const MaxSampleObject = 1 << 20

// Discover samples records and infers their schema.
func (s *Service) Discover(ctx context.Context, c Caller, p DiscoverParams) (*Discovery, error) {
	switch {
	case p.ResourceARN == "" && p.S3 == nil:
		return nil, errInvalid("Either ResourceARN or S3Configuration must be given: the stream or object to discover a schema from.")
	case p.ResourceARN != "" && p.S3 != nil:
		return nil, errInvalid("Only one of ResourceARN and S3Configuration can be given.")
	case p.Position == PositionLastStopped:
		return nil, errInvalid("InputStartingPosition LAST_STOPPED_POINT cannot be used to discover a schema: use NOW or TRIM_HORIZON.")
	case p.Position == "":
		p.Position = PositionNow
	}
	if p.Processing != nil {
		if err := s.checkLambda(p.Processing.ARN, "InputLambdaProcessor"); err != nil {
			return nil, err
		}
	}
	var src Source
	if p.S3 != nil {
		if !bucketARN.MatchString(p.S3.Bucket.ARN) {
			return nil, errInvalid("BucketARN %s is not an S3 bucket ARN (arn:aws:s3:::<bucket>).", p.S3.Bucket.ARN)
		}
		if s.cfg.Objects == nil {
			return nil, errInvalid("This server cannot read S3 objects.")
		}
	} else {
		switch {
		case strings.HasPrefix(p.ResourceARN, "arn:aws:kinesis:"):
			src = s.cfg.Streams
		case strings.HasPrefix(p.ResourceARN, "arn:aws:firehose:"):
			src = s.cfg.DeliveryStreams
		default:
			return nil, errInvalid("ResourceARN %s is neither a Kinesis stream nor a Firehose delivery stream.", p.ResourceARN)
		}
		if src == nil {
			return nil, errInvalid("This server cannot read %s.", p.ResourceARN)
		}
		if err := src.Check(c, p.ResourceARN); err != nil {
			return nil, errInvalid("Kinesis Analytics cannot read %s: %v", p.ResourceARN, err)
		}
	}
	if s.cfg.Infer == nil {
		return nil, newErr(KindUnsupported, "Schema inference is not in this build of Sluice yet: DiscoverInputSchema cannot infer a schema.")
	}

	var samples [][]byte
	if p.S3 != nil {
		b, err := s.cfg.Objects.Get(ctx, BucketName(p.S3.Bucket.ARN), p.S3.FileKey, MaxSampleObject+1)
		if err != nil {
			return nil, errInvalid("Kinesis Analytics cannot read s3://%s/%s: %v", BucketName(p.S3.Bucket.ARN), p.S3.FileKey, err)
		}
		if len(b) > MaxSampleObject {
			// Keep whole rows only.
			b = b[:MaxSampleObject]
			if i := strings.LastIndexByte(string(b), '\n'); i > 0 {
				b = b[:i+1]
			}
		}
		if len(b) > 0 {
			samples = [][]byte{b}
		}
	} else {
		var err error
		samples, err = src.Sample(ctx, c, p.ResourceARN, p.Position, s.cfg.SampleRecords, s.cfg.SampleWait)
		if err != nil {
			return nil, err
		}
	}
	if len(samples) == 0 {
		return nil, newErr(KindUnableToDetectSchema, "No data was found to discover a schema from: the source had no records to sample.")
	}
	d := &Discovery{Raw: make([]string, len(samples))}
	for i, b := range samples {
		d.Raw[i] = string(b)
	}
	if p.Processing != nil {
		processed, err := s.preprocess(ctx, c, p, samples)
		if err != nil {
			return nil, err
		}
		samples = processed
		d.Processed = make([]string, len(samples))
		for i, b := range samples {
			d.Processed[i] = string(b)
		}
		if len(samples) == 0 {
			e := newErr(KindUnableToDetectSchema, "The input preprocessor %s returned no records to discover a schema from.", p.Processing.ARN)
			e.Raw, e.Processed = d.Raw, d.Processed
			return nil, e
		}
	}
	sch, parsed, err := s.cfg.Infer.Infer(samples)
	if err != nil {
		e := newErr(KindUnableToDetectSchema, "%v", err)
		e.Raw, e.Processed = d.Raw, d.Processed
		return nil, e
	}
	d.Schema, d.Parsed = sch, parsed
	return d, nil
}

// The preprocessing Lambda's contract: the records in, base64; each answered
// Ok (with its new data), Dropped or ProcessingFailed.
type (
	preprocessEvent struct {
		InvocationID   string             `json:"invocationId"`
		ApplicationARN string             `json:"applicationArn"`
		StreamARN      string             `json:"streamArn"`
		Records        []preprocessRecord `json:"records"`
	}
	preprocessRecord struct {
		RecordID string `json:"recordId"`
		Data     string `json:"data"`
	}
	preprocessAnswer struct {
		Records []struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
			Data     string `json:"data"`
		} `json:"records"`
	}
)

// preprocess runs the samples through the Lambda preprocessor and returns
// the records it kept (Ok).
func (s *Service) preprocess(ctx context.Context, c Caller, p DiscoverParams, samples [][]byte) ([][]byte, error) {
	ev := preprocessEvent{
		InvocationID:   newAppID(),
		ApplicationARN: ARN(c.Region, c.Account, "discovery"),
		StreamARN:      p.ResourceARN,
		Records:        make([]preprocessRecord, len(samples)),
	}
	for i, b := range samples {
		ev.Records[i] = preprocessRecord{RecordID: fmt.Sprintf("%d", i), Data: base64.StdEncoding.EncodeToString(b)}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	res, err := s.cfg.Lambda.Invoke(ctx, p.Processing.ARN, payload)
	if err != nil {
		return nil, errInvalid("The input preprocessor %s failed: %v", p.Processing.ARN, err)
	}
	var ans preprocessAnswer
	if err := json.Unmarshal(res, &ans); err != nil {
		return nil, errInvalid("The input preprocessor %s answered something that is not its records: %v", p.Processing.ARN, err)
	}
	var out [][]byte
	for _, r := range ans.Records {
		if r.Result != "Ok" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(r.Data)
		if err != nil {
			return nil, errInvalid("The input preprocessor %s answered record %s with data that is not base64.", p.Processing.ARN, r.RecordID)
		}
		out = append(out, b)
	}
	return out, nil
}
