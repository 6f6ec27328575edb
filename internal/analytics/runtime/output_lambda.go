package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"sluice/internal/analytics"
)

// toLambda delivers to a Lambda function with AWS's output contract
// (how-it-works-output-lambda.md): an event with invocationId (a random
// GUID), applicationArn and records, each with a recordId (a GUID, the same
// when the row is sent again), lambdaDeliveryRecordMetadata.retryHint (how
// many times this run tried to deliver the record before) and its data in
// base64; the function answers each recordId with result Ok or
// DeliveryFailed. A record answered DeliveryFailed, or not answered as the
// contract says, is sent again, with the others that failed, until the
// function takes it: AWS retries the same records until they succeed.
type toLambda struct {
	lambda   analytics.LambdaInvoker
	function string
	appARN   string
	metrics  *OutputMetrics
	log      *slog.Logger
	lastErr  string
}

type (
	lambdaOutEvent struct {
		InvocationID   string            `json:"invocationId"`
		ApplicationARN string            `json:"applicationArn"`
		Records        []lambdaOutRecord `json:"records"`
	}
	lambdaOutRecord struct {
		RecordID string        `json:"recordId"`
		Meta     lambdaOutMeta `json:"lambdaDeliveryRecordMetadata"`
		Data     []byte        `json:"data"` // base64 in JSON
	}
	lambdaOutMeta struct {
		RetryHint int `json:"retryHint"`
	}
	lambdaOutAnswer struct {
		Records []struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
		} `json:"records"`
	}
)

const (
	lambdaBatchRecords = 500
	lambdaBatchBytes   = lambdaMaxPayload * 3 / 4
)

func (d *toLambda) deliver(ctx context.Context, recs []outRecord) bool {
	left := make([]lambdaOutRecord, len(recs))
	for i := range recs {
		left[i] = lambdaOutRecord{RecordID: formatGUID(recs[i].key), Data: recs[i].data}
	}
	b := backoff{min: outputBackoffMin, max: outputBackoffMax}
	for {
		failed, err := d.try(ctx, left)
		if err == nil && len(failed) == 0 {
			if d.lastErr != "" {
				d.log.Info("the destination function takes records again", "function", d.function)
				d.lastErr = ""
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if err == nil {
			err = fmt.Errorf("the function answered %d of %d records DeliveryFailed (or left them out)", len(failed), len(left))
		} else {
			failed = left
		}
		d.metrics.Failures.Add(1)
		if msg := err.Error(); msg != d.lastErr {
			d.log.Warn("delivering to the destination function failed; retrying", "function", d.function, "err", err)
			d.lastErr = msg
		}
		for i := range failed {
			failed[i].Meta.RetryHint++
		}
		left = failed
		if !sleep(ctx, b.next()) {
			return false
		}
	}
}

// try invokes the function once and returns the records it did not take.
func (d *toLambda) try(ctx context.Context, recs []lambdaOutRecord) ([]lambdaOutRecord, error) {
	payload, err := json.Marshal(lambdaOutEvent{InvocationID: newGUID(), ApplicationARN: d.appARN, Records: recs})
	if err != nil {
		return nil, err
	}
	body, err := d.lambda.Invoke(ctx, d.function, payload)
	if err != nil {
		return nil, err
	}
	var ans lambdaOutAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("the answer is not the output delivery response (records): %v", err)
	}
	ok := make(map[string]bool, len(ans.Records))
	for _, a := range ans.Records {
		if a.Result == "Ok" {
			ok[a.RecordID] = true
		}
	}
	var failed []lambdaOutRecord
	for _, r := range recs {
		if !ok[r.RecordID] {
			failed = append(failed, r)
		}
	}
	return failed, nil
}
