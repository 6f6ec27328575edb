package firehose

import (
	"context"
	"encoding/base64"

	"sluice/internal/firehose/process"
)

// outRecord is a record after processing, on its way to the destination.
type outRecord struct {
	data    []byte
	arrival int64 // epoch ms
	seq     uint64
	keys    partitionKeys
}

// partitionKeys are a record's dynamic partitioning keys: from the
// MetadataExtraction query and from the Lambda function's metadata.
type partitionKeys struct {
	query, lambda map[string]string
}

// failedRecord is a record that goes to the error output: AWS's error
// record and the !{firehose:error-output-type} it goes under.
type failedRecord struct {
	errorRecord
	errorType string
	// line, when set, is the error output line as the destination's
	// package renders AWS's record for it (OpenSearch, Splunk).
	line []byte
}

// Error output types (the values of !{firehose:error-output-type}).
const (
	errProcessing      = "processing-failed"
	errConversion      = "format-conversion-failed"
	errPartitionsLimit = "activePartitionExceeded"
	errHTTPEndpoint    = "http-endpoint-failed"
	errOpenSearch      = "AmazonOpenSearchService-failed"
	errElasticsearch   = "elasticsearch-failed"
	errSplunk          = "splunk-failed"
	errIceberg         = "iceberg-failed"
	// errS3 is Sluice's name for a partition's object that could not be
	// written for the dynamic partitioning retry duration.
	errS3 = "s3-failed"
)

// chain compiles a processing configuration (checked at creation, so an
// error here means a configuration persisted by an older version).
func chain(p Processing) (*process.Chain, error) {
	if !p.Enabled {
		return process.Compile(nil)
	}
	specs := make([]process.Spec, len(p.Processors))
	var opts []process.Option
	for i, proc := range p.Processors {
		params := make(map[string]string, len(proc.Params))
		for _, prm := range proc.Params {
			params[prm.Name] = prm.Value
		}
		specs[i] = process.Spec{Type: proc.Type, Params: params}
		// Record de-aggregation also unpacks KPL-aggregated records
		// (magic, protobuf, MD5) that reach a DirectPut stream; records
		// read from a data stream are unpacked as they arrive (source.go).
		if proc.Type == "RecordDeAggregation" && len(opts) == 0 {
			opts = append(opts, process.KinesisSource())
		}
	}
	return process.Compile(specs, opts...)
}

// process runs the delivery stream's processing over recs: the processors
// AWS runs before the Lambda function, the function, and those after it.
// It returns the records to deliver and those that failed.
func (s *Service) process(ctx context.Context, ds *DeliveryStream, recs []rawRecord) ([]outRecord, []failedRecord) {
	cfg := ds.processing()
	if !cfg.Enabled {
		out := make([]outRecord, len(recs))
		for i, r := range recs {
			out[i] = outRecord{data: r.data, arrival: r.arrival, seq: r.seq}
		}
		return out, nil
	}
	c, err := chain(cfg)
	if err != nil {
		return nil, s.failAll(recs, "Processing.InvalidConfiguration", err.Error())
	}
	in := make([]process.Record, len(recs))
	for i, r := range recs {
		in[i] = process.Record{Data: r.data, Arrival: r.arrival, Seq: r.seq}
	}
	mid, bad := c.BeforeLambda(in)
	failed := s.processFailures(bad)
	// The Lambda function's partition keys are kept beside the records
	// (AfterLambda replaces Keys with the query's), by position and
	// sub-record.
	var lambdaKeys map[[2]uint64]map[string]string
	if proc, ok := c.Lambda(); ok {
		var lf []failedRecord
		mid, lambdaKeys, lf = s.invokeLambda(ctx, ds, proc, mid)
		failed = append(failed, lf...)
	}
	outs, bad := c.AfterLambda(mid)
	failed = append(failed, s.processFailures(bad)...)
	res := make([]outRecord, len(outs))
	for i, r := range outs {
		res[i] = outRecord{data: r.Data, arrival: r.Arrival, seq: r.Seq, keys: partitionKeys{query: r.Keys, lambda: lambdaKeys[[2]uint64{r.Seq, uint64(r.Sub)}]}}
	}
	return res, failed
}

// processFailures turns package process's failures into error records.
func (s *Service) processFailures(bad []process.Failure) []failedRecord {
	if len(bad) == 0 {
		return nil
	}
	ended := s.now().UnixMilli()
	out := make([]failedRecord, len(bad))
	for i, f := range bad {
		typ := f.Output
		if typ == "" {
			typ = errProcessing
		}
		out[i] = failedRecord{errorType: typ, errorRecord: errorRecord{
			AttemptsMade: 1, ArrivalTimestamp: f.Record.Arrival, ErrorCode: f.Code, ErrorMessage: f.Message,
			AttemptEndingTimestamp: ended, RawData: base64.StdEncoding.EncodeToString(f.Record.RawData())}}
	}
	return out
}

// failAll fails every record with one error.
func (s *Service) failAll(recs []rawRecord, code, msg string) []failedRecord {
	ended := s.now().UnixMilli()
	out := make([]failedRecord, len(recs))
	for i, r := range recs {
		out[i] = failedRecord{errorType: errProcessing, errorRecord: errorRecord{
			AttemptsMade: 1, ArrivalTimestamp: r.arrival, ErrorCode: code, ErrorMessage: msg,
			AttemptEndingTimestamp: ended, RawData: base64.StdEncoding.EncodeToString(r.data)}}
	}
	return out
}
