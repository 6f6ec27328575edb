package firehose

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sluice/internal/firehose/process"
	"strconv"
	"time"
)

// Processing is ProcessingConfiguration: data transformation.
type Processing struct {
	Enabled    bool
	Processors []Processor
}

// Processor is one processor with its parameters.
type Processor struct {
	Type   string
	Params []Param
}

// Param is a processor parameter.
type Param struct {
	Name, Value string
}

// Processor types the parent package runs itself.
const ProcessorLambda = "Lambda"

func (p Processor) param(name string) string {
	for _, x := range p.Params {
		if x.Name == name {
			return x.Value
		}
	}
	return ""
}

// LambdaInvoker calls a Lambda function synchronously.
type LambdaInvoker interface {
	// Invoke returns the function's answer, or an error with the
	// errorCode and errorMessage Firehose records for a failed invocation.
	Invoke(ctx context.Context, functionARN string, payload []byte) ([]byte, *InvokeError)
}

// InvokeError is a failed invocation, as Firehose's error records name it.
type InvokeError struct {
	Code, Message string
}

// LambdaHTTP invokes functions with the Lambda Invoke REST API
// (POST /2015-03-31/functions/<name>/invocations) of a Lambda-compatible
// endpoint such as `sam local start-lambda`. Requests are not signed:
// such endpoints do not check signatures.
type LambdaHTTP struct {
	Endpoint string
	Client   *http.Client
}

// Invoke implements LambdaInvoker.
func (h LambdaHTTP) Invoke(ctx context.Context, functionARN string, payload []byte) ([]byte, *InvokeError) {
	u := h.Endpoint + "/2015-03-31/functions/" + url.PathEscape(functionARN) + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, &InvokeError{"Lambda.InvalidRequest", err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Minute}
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, &InvokeError{"Lambda.ServiceException", err.Error()}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 6<<20+1))
	switch {
	case err != nil:
		return nil, &InvokeError{"Lambda.ServiceException", err.Error()}
	case res.StatusCode != http.StatusOK:
		return nil, &InvokeError{"Lambda.InvokeFailed", fmt.Sprintf("The Lambda endpoint answered HTTP %d: %.200s", res.StatusCode, body)}
	case res.Header.Get("X-Amz-Function-Error") != "":
		return nil, &InvokeError{"Lambda.FunctionError", "The Lambda function was successfully invoked but it returned an error result."}
	case len(body) > 6<<20:
		return nil, &InvokeError{"Lambda.ResponseTooLarge", "The Lambda function's response exceeds 6 MB."}
	}
	return body, nil
}

// rawRecord is a buffered record read back from the log.
type rawRecord struct {
	data    []byte
	arrival int64
	seq     uint64
}

// errorRecord is one line of an error output object, in AWS's format.
type errorRecord struct {
	AttemptsMade           int    `json:"attemptsMade"`
	ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
	ErrorCode              string `json:"errorCode"`
	ErrorMessage           string `json:"errorMessage"`
	AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
	RawData                string `json:"rawData"`
	LambdaArn              string `json:"lambdaArn,omitempty"`
}

// invokeLambda sends the records to the function in batches of the
// processor's BufferSizeInMBs (default 1 MB), each retried
// NumberOfRetries times (default 3) when the invocation fails. Records
// the function returns Ok carry its metadata.partitionKeys.
func (s *Service) invokeLambda(ctx context.Context, ds *DeliveryStream, proc process.Spec, recs []process.Record) ([]process.Record, map[[2]uint64]map[string]string, []failedRecord) {
	arn := proc.Params["LambdaArn"]
	retries := 3
	if v, err := strconv.Atoi(proc.Params["NumberOfRetries"]); err == nil {
		retries = v
	}
	// The processor's BufferIntervalInSeconds changes nothing a destination
	// sees: Sluice invokes the function when the destination's buffer is
	// due, and records reach the destination when its own hints say,
	// whenever the function ran (AWS runs it earlier, on its own buffer).
	// The processor's buffer: 1 MB by default, 256 KB for Splunk and
	// Snowflake (AWS's data transformation defaults).
	limit := int64(1 << 20)
	if ds.Splunk != nil || ds.Snowflake != nil {
		limit = 256 << 10
	}
	if v, err := strconv.ParseFloat(proc.Params["BufferSizeInMBs"], 64); err == nil && v > 0 {
		limit = int64(v * (1 << 20))
	}
	var out []process.Record
	var failed []failedRecord
	keys := map[[2]uint64]map[string]string{}
	for len(recs) > 0 {
		n, size := 0, int64(0)
		for n < len(recs) && (n == 0 || size+int64(len(recs[n].Data)) <= limit) {
			size += int64(len(recs[n].Data))
			n++
		}
		batch := recs[:n]
		recs = recs[n:]
		ok, bad := s.invokeBatch(ctx, ds, arn, retries, batch, keys)
		out = append(out, ok...)
		failed = append(failed, bad...)
	}
	return out, keys, failed
}

type lambdaEvent struct {
	InvocationID      string        `json:"invocationId"`
	DeliveryStreamArn string        `json:"deliveryStreamArn"`
	Region            string        `json:"region"`
	Records           []lambdaInput `json:"records"`
}

type lambdaInput struct {
	RecordID                    string `json:"recordId"`
	ApproximateArrivalTimestamp int64  `json:"approximateArrivalTimestamp"`
	Data                        []byte `json:"data"` // base64 in JSON
}

type lambdaOutput struct {
	Records []struct {
		RecordID string `json:"recordId"`
		Result   string `json:"result"`
		Data     string `json:"data"`
		Metadata struct {
			PartitionKeys map[string]any `json:"partitionKeys"`
		} `json:"metadata"`
	} `json:"records"`
}

func (s *Service) invokeBatch(ctx context.Context, ds *DeliveryStream, arn string, retries int, batch []process.Record, keys map[[2]uint64]map[string]string) ([]process.Record, []failedRecord) {
	ev := lambdaEvent{InvocationID: newUUID(), DeliveryStreamArn: ds.ARN(), Region: ds.Region, Records: make([]lambdaInput, len(batch))}
	for i, r := range batch {
		// Sub-records of one log record (de-aggregation) share its
		// position: their index keeps their IDs apart.
		id := recordID(ds.ID, r.Seq, r.Arrival)
		if r.Sub > 0 {
			id += "." + strconv.Itoa(r.Sub)
		}
		ev.Records[i] = lambdaInput{RecordID: id, ApproximateArrivalTimestamp: r.Arrival, Data: r.Data}
	}
	payload, _ := json.Marshal(ev)
	fail := func(attempts int, code, msg string, recs []process.Record) []failedRecord {
		ended := s.now().UnixMilli()
		out := make([]failedRecord, len(recs))
		for i, r := range recs {
			out[i] = failedRecord{errorType: errProcessing, errorRecord: errorRecord{AttemptsMade: attempts, ArrivalTimestamp: r.Arrival, ErrorCode: code, ErrorMessage: msg,
				AttemptEndingTimestamp: ended, RawData: base64.StdEncoding.EncodeToString(r.RawData()), LambdaArn: arn}}
		}
		return out
	}
	var body []byte
	attempts := 0
	for {
		attempts++
		var ierr *InvokeError
		if s.cfg.Lambda == nil {
			ierr = &InvokeError{"Lambda.NotConfigured", "The server has no --lambda-endpoint to invoke the function with."}
		} else {
			body, ierr = s.cfg.Lambda.Invoke(ctx, arn, payload)
		}
		if ierr == nil {
			break
		}
		if attempts > retries || ctx.Err() != nil {
			return nil, fail(attempts, ierr.Code, ierr.Message, batch)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempts) * 100 * time.Millisecond):
		}
	}
	var resp lambdaOutput
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fail(attempts, "Lambda.JsonProcessingException", "The Lambda function's response is not valid JSON: "+err.Error(), batch)
	}
	results := make(map[string]int, len(resp.Records))
	for i, r := range resp.Records {
		results[r.RecordID] = i
	}
	var out []process.Record
	var failed []failedRecord
	for i, r := range batch {
		j, found := results[ev.Records[i].RecordID]
		if !found {
			failed = append(failed, fail(attempts, "Lambda.MissingRecordId", "The Lambda function did not return the record's recordId.", batch[i:i+1])...)
			continue
		}
		res := resp.Records[j]
		switch res.Result {
		case "Ok":
			data, err := base64.StdEncoding.DecodeString(res.Data)
			if err != nil {
				failed = append(failed, fail(attempts, "Lambda.InvalidData", "The Lambda function returned data that is not base64.", batch[i:i+1])...)
				continue
			}
			rec := r
			rec.Data = data
			if pk := res.Metadata.PartitionKeys; len(pk) > 0 {
				m := make(map[string]string, len(pk))
				for k, v := range pk {
					m[k] = scalarString(v)
				}
				keys[[2]uint64{r.Seq, uint64(r.Sub)}] = m
			}
			out = append(out, rec)
		case "Dropped":
		case "ProcessingFailed":
			failed = append(failed, fail(attempts, "Lambda.ProcessingFailed", "The Lambda function returned the result ProcessingFailed for the record.", batch[i:i+1])...)
		default:
			failed = append(failed, fail(attempts, "Lambda.InvalidResult", fmt.Sprintf("The Lambda function returned the result %q, not Ok, Dropped or ProcessingFailed.", res.Result), batch[i:i+1])...)
		}
	}
	return out, failed
}

// scalarString renders a partition key value as the prefix shows it.
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
