package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"sluice/internal/analytics"
)

// The input preprocessing contract (lambda-preprocessing.md): the records
// of a batch go to the function base64-encoded, with their metadata; the
// function answers each by its recordId with Ok (and the new data, which
// may hold several JSON documents or CSV rows), Dropped, or
// ProcessingFailed. An answer that leaves a record out, names an unknown
// result or misses Ok's data fails the whole invocation, which is retried
// on the same records until it succeeds, as AWS does (the input falls
// behind meanwhile; MillisBehindLatest, refreshed as each batch is taken
// in, shows how far once the batch goes through).
//
// recordId is the record's sequence number for a data stream, and a GUID
// derived from the delivery stream and the record's position for a
// delivery stream, so that a retried invocation sends the same IDs.
// approximateArrivalTimestamp is in epoch milliseconds, as Kinesis's other
// Lambda events carry it (the guide's one example shows seconds; its Java
// and .NET event classes take a long either way).

// ErrorPreprocessingFailed is ERROR_NAME of a record its preprocessor
// answered ProcessingFailed.
const ErrorPreprocessingFailed = "PREPROCESSING_FAILED"

type (
	preEvent struct {
		InvocationID   string      `json:"invocationId"`
		ApplicationARN string      `json:"applicationArn"`
		StreamARN      string      `json:"streamArn"`
		Records        []preRecord `json:"records"`
	}
	preRecord struct {
		RecordID string       `json:"recordId"`
		Data     []byte       `json:"data"` // base64 in JSON
		Stream   *preStream   `json:"kinesisStreamRecordMetadata,omitempty"`
		Firehose *preFirehose `json:"kinesisFirehoseRecordMetadata,omitempty"`
	}
	preStream struct {
		ShardID        string `json:"shardId"`
		PartitionKey   string `json:"partitionKey"`
		SequenceNumber string `json:"sequenceNumber"`
		Arrival        int64  `json:"approximateArrivalTimestamp"`
	}
	preFirehose struct {
		Arrival int64 `json:"approximateArrivalTimestamp"`
	}
	preAnswer struct {
		Records []struct {
			RecordID *string `json:"recordId"`
			Result   *string `json:"result"`
			Data     *string `json:"data"`
		} `json:"records"`
	}
)

// preprocessor runs an input's records through its Lambda function.
type preprocessor struct {
	lambda    analytics.LambdaInvoker
	function  string
	appARN    string
	streamARN string
	kinesis   bool
	sourceID  string
	log       *slog.Logger
	metrics   *Metrics
	lastErr   string
}

// process preprocesses recs in place: Ok records get their new data,
// Dropped and ProcessingFailed ones are marked. It returns when every
// record is answered, or when ctx ends (the records are then not handed
// on).
func (p *preprocessor) process(ctx context.Context, recs []inRecord) {
	for len(recs) > 0 && ctx.Err() == nil {
		n, size := 0, 0
		for n < len(recs) && n < lambdaMaxRecords && (n == 0 || size+len(recs[n].data) <= lambdaMaxPayload*3/4) {
			size += len(recs[n].data)
			n++
		}
		p.invoke(ctx, recs[:n])
		recs = recs[n:]
	}
}

// invoke runs one batch until the function answers it as the contract
// says.
func (p *preprocessor) invoke(ctx context.Context, recs []inRecord) {
	ev := preEvent{ApplicationARN: p.appARN, StreamARN: p.streamARN, Records: make([]preRecord, len(recs))}
	for i := range recs {
		r := &recs[i]
		pr := preRecord{Data: r.data}
		if p.kinesis {
			pr.RecordID = r.seq
			pr.Stream = &preStream{ShardID: r.shardID, PartitionKey: r.pk, SequenceNumber: r.seq, Arrival: r.arrival}
		} else {
			pr.RecordID = stableGUID(p.sourceID, strconv.FormatUint(r.counter, 10))
			pr.Firehose = &preFirehose{Arrival: r.arrival}
		}
		ev.Records[i] = pr
	}
	b := backoff{min: lambdaBackoffMin, max: lambdaBackoffMax}
	for {
		ev.InvocationID = newGUID()
		err := p.try(ctx, &ev, recs)
		if err == nil {
			if p.lastErr != "" {
				p.log.Info("the input preprocessor answers again", "function", p.function)
				p.lastErr = ""
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		p.metrics.PreprocessErrors.Add(1)
		if msg := err.Error(); msg != p.lastErr {
			p.log.Warn("input preprocessing failed; retrying the same records", "function", p.function, "err", err)
			p.lastErr = msg
		}
		t := time.NewTimer(b.next())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// try makes one invocation and applies its answer, or says why the answer
// cannot be taken (nothing is applied then).
func (p *preprocessor) try(ctx context.Context, ev *preEvent, recs []inRecord) error {
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	body, err := p.lambda.Invoke(ctx, p.function, payload)
	if err != nil {
		return err
	}
	var ans preAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		return fmt.Errorf("the answer is not the preprocessing response (records): %v", err)
	}
	index := make(map[string]int, len(recs))
	for i := range ev.Records {
		index[ev.Records[i].RecordID] = i
	}
	type result struct {
		kind string
		data []byte
	}
	results := make([]*result, len(recs))
	for _, a := range ans.Records {
		if a.RecordID == nil || a.Result == nil {
			return errors.New("a record of the answer has no recordId or no result")
		}
		i, ok := index[*a.RecordID]
		if !ok {
			return fmt.Errorf("the answer has a recordId that was not sent: %q", *a.RecordID)
		}
		res := &result{kind: *a.Result}
		switch res.kind {
		case "Ok":
			if a.Data == nil {
				return fmt.Errorf("record %s is Ok but has no data", *a.RecordID)
			}
			if res.data, err = base64.StdEncoding.DecodeString(*a.Data); err != nil {
				return fmt.Errorf("the data of record %s is not base64", *a.RecordID)
			}
		case "Dropped", "ProcessingFailed":
		default:
			return fmt.Errorf("record %s has the result %q, not Ok, Dropped or ProcessingFailed", *a.RecordID, res.kind)
		}
		results[i] = res
	}
	for i, res := range results {
		if res == nil {
			return fmt.Errorf("the answer leaves out record %s", ev.Records[i].RecordID)
		}
	}
	for i, res := range results {
		r := &recs[i]
		switch res.kind {
		case "Ok":
			r.data = res.data
			p.metrics.Preprocessed.Add(1)
		case "Dropped":
			r.dropped = true
			p.metrics.PreprocessDropped.Add(1)
		default:
			r.dropped = true
			r.failed = fmt.Sprintf("The input preprocessor %s answered ProcessingFailed for the record.", p.function)
			p.metrics.PreprocessFailed.Add(1)
		}
	}
	return nil
}
