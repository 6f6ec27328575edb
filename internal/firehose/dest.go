package firehose

import (
	"context"
	"encoding/base64"
	"sluice/internal/firehose/destination/clock"
	"sluice/internal/firehose/destination/iceberg"
	"strconv"
	"time"

	"sluice/internal/firehose/destination/httpendpoint"
	"sluice/internal/firehose/destination/opensearch"
	"sluice/internal/firehose/destination/redshift"
	"sluice/internal/firehose/destination/splunk"
	"sluice/internal/objectstore"
)

// destinations are the clients of the destinations other than S3.
type destinations struct {
	http     *httpendpoint.Client
	search   *opensearch.Client
	splunk   *splunk.Client
	redshift *redshift.Loader
	iceberg  *iceberg.Writer
}

func newDestinations(cfg Config) destinations {
	now, client := cfg.Now, cfg.HTTPClient
	return destinations{
		iceberg:  &iceberg.Writer{Store: cfg.Store, Mirror: cfg.IcebergDir},
		http:     &httpendpoint.Client{Now: now, HTTP: client},
		search:   &opensearch.Client{Now: now, HTTP: client},
		splunk:   &splunk.Client{Now: now, HTTP: client},
		redshift: &redshift.Loader{Now: now},
	}
}

func (d destinations) close() {
	d.redshift.Close()
}

// sendDestination delivers a batch to a destination other than S3,
// adding the records it could not deliver to the batch's failures. An
// error means the delivery did not finish (the deliverer stopped, or its
// staged object could not be built): the records are delivered again.
func (s *Service) sendDestination(ctx context.Context, l *live, ds *DeliveryStream, b *batch) (sent, error) {
	if len(b.out) == 0 {
		return sent{}, nil
	}
	switch {
	case ds.HTTP != nil:
		return s.sendHTTP(ctx, ds, b)
	case ds.Search != nil:
		return s.sendSearch(ctx, ds, b)
	case ds.Splunk != nil:
		return s.sendSplunk(ctx, ds, b)
	case ds.Redshift != nil:
		return s.sendRedshift(ctx, l, ds, b)
	case ds.Iceberg != nil:
		return s.sendIceberg(ctx, ds, b)
	default: // Snowflake: staged files in the S3 configuration's bucket
		var objs []objectstore.Object
		objs, err := s.dataObject(ds, &objs, ds.S3.Prefix, b)
		if err != nil {
			return sent{}, err
		}
		for _, obj := range objs {
			if !s.write(ctx, l, ds, obj, len(b.out)) {
				return sent{}, ctx.Err()
			}
		}
		return sent{records: len(b.out), bytes: int64(len(joinData(b.out))), objects: len(objs)}, nil
	}
}

// deliveryFailure fails records of a batch with a destination's error.
func (s *Service) deliveryFailure(ds *DeliveryStream, b *batch, recs []outRecord, errorType, code, msg string, attempts int) {
	ended := s.now().UnixMilli()
	for _, r := range recs {
		b.failed = append(b.failed, failedRecord{errorType: errorType, errorRecord: errorRecord{
			AttemptsMade: attempts, ArrivalTimestamp: r.arrival, ErrorCode: code, ErrorMessage: msg,
			AttemptEndingTimestamp: ended, RawData: base64.StdEncoding.EncodeToString(r.data)}})
	}
	s.logError(ds, code, msg, "")
}

func (s *Service) httpConfig(h *HTTPDestination) httpendpoint.Config {
	cfg := httpendpoint.Config{URL: h.URL, Name: h.Name, AccessKey: h.AccessKey, ContentEncoding: h.ContentEncoding,
		RetryDuration: time.Duration(h.RetrySeconds) * time.Second}
	for _, a := range h.CommonAttributes {
		cfg.CommonAttributes = append(cfg.CommonAttributes, httpendpoint.Attribute{Name: a.Name, Value: a.Value})
	}
	return cfg
}

func (s *Service) sendHTTP(ctx context.Context, ds *DeliveryStream, b *batch) (sent, error) {
	cfg := s.httpConfig(ds.HTTP)
	data := make([][]byte, len(b.out))
	for i, r := range b.out {
		data[i] = r.data
	}
	var res sent
	for _, r := range s.dest.http.Deliver(ctx, cfg, ds.ARN(), data) {
		part := b.out[r.First : r.First+r.Count]
		switch {
		case r.Delivered:
			res.records += r.Count
			for _, x := range part {
				res.bytes += int64(len(x.data))
			}
		case ctx.Err() != nil:
			return res, ctx.Err()
		default:
			s.deliveryFailure(ds, b, part, errHTTPEndpoint, r.Code, r.Message, r.Attempts)
		}
	}
	return res, nil
}

func searchConfig(kind string, x *SearchDestination) opensearch.Config {
	cfg := opensearch.Config{Endpoint: x.ClusterEndpoint, Index: x.IndexName, TypeName: x.TypeName, Rotation: x.IndexRotation,
		DocumentIDs: x.DocumentIDFormat, RetryDuration: time.Duration(x.RetrySeconds) * time.Second}
	if kind == KindOpenSearchServerless {
		cfg.Endpoint, cfg.Serverless = x.CollectionEndpoint, true
	}
	return cfg
}

func (s *Service) sendSearch(ctx context.Context, ds *DeliveryStream, b *batch) (sent, error) {
	cfg := searchConfig(ds.Kind, ds.Search)
	errorType := errOpenSearch
	if ds.Kind == KindElasticsearch {
		errorType = errElasticsearch
	}
	docs := make([]opensearch.Doc, len(b.out))
	for i, r := range b.out {
		docs[i] = opensearch.Doc{Data: r.data, ID: recordID(ds.ID, r.seq, r.arrival) + "." + strconv.Itoa(i), Arrival: time.UnixMilli(r.arrival)}
	}
	results, err := s.dest.search.Bulk(ctx, cfg, docs, b.t)
	if ctx.Err() != nil {
		return sent{}, ctx.Err()
	}
	var res sent
	if err != nil {
		s.deliveryFailure(ds, b, b.out, errorType, "OS.ConnectionFailed", err.Error(), 1)
		return res, nil
	}
	ended := s.now()
	logged := false
	for i, r := range results {
		if r.OK {
			res.records++
			res.bytes += int64(len(b.out[i].data))
			continue
		}
		rec := b.out[i]
		b.failed = append(b.failed, failedRecord{errorType: errorType, errorRecord: errorRecord{ErrorCode: r.Code, ErrorMessage: r.Message},
			line: opensearch.FailedRecord(cfg, docs[i], r, time.UnixMilli(rec.arrival), ended)})
		if !logged {
			s.logError(ds, r.Code, r.Message, "")
			logged = true
		}
	}
	return res, nil
}

func splunkConfig(x *SplunkDestination) splunk.Config {
	return splunk.Config{Endpoint: x.HECEndpoint, Type: x.HECEndpointType, Token: x.HECToken,
		AckTimeout: time.Duration(x.AckTimeoutSeconds) * time.Second, RetryDuration: time.Duration(x.RetrySeconds) * time.Second}
}

func (s *Service) sendSplunk(ctx context.Context, ds *DeliveryStream, b *batch) (sent, error) {
	cfg := splunkConfig(ds.Splunk)
	data := make([][]byte, len(b.out))
	for i, r := range b.out {
		data[i] = r.data
	}
	r := s.dest.splunk.Send(ctx, cfg, data)
	if ctx.Err() != nil {
		return sent{}, ctx.Err()
	}
	if !r.Delivered {
		ended := s.now()
		for i, rec := range b.out {
			b.failed = append(b.failed, failedRecord{errorType: errSplunk, errorRecord: errorRecord{ErrorCode: r.Code, ErrorMessage: r.Message},
				line: splunk.FailedRecord(r, rec.data, recordID(ds.ID, rec.seq, rec.arrival)+"."+strconv.Itoa(i), time.UnixMilli(rec.arrival), ended)})
		}
		s.logError(ds, r.Code, r.Message, "")
		return sent{}, nil
	}
	return sent{records: len(b.out), bytes: int64(len(joinData(b.out)))}, nil
}

// sendRedshift stages the batch as an object under the S3
// configuration's prefix, then loads it into the table with COPY. An
// object that cannot be loaded for the retry duration is skipped: its key
// goes into a manifest under errors/ in the bucket, as AWS writes.
func (s *Service) sendRedshift(ctx context.Context, l *live, ds *DeliveryStream, b *batch) (sent, error) {
	var objs []objectstore.Object
	objs, err := s.dataObject(ds, &objs, ds.S3.Prefix, b)
	if err != nil || len(objs) == 0 {
		return sent{}, err
	}
	staged := objs[0]
	if !s.write(ctx, l, ds, staged, len(b.out)) {
		return sent{}, ctx.Err()
	}
	err = s.dest.redshift.Load(ctx, redshiftConfig(ds.Redshift), []redshift.Object{{Key: staged.Key, Body: staged.Body}})
	if ctx.Err() != nil {
		return sent{}, ctx.Err()
	}
	if err != nil {
		code, msg := "Redshift.LoadFailed", err.Error()
		if le, ok := err.(*redshift.LoadError); ok {
			code, msg = le.Code, le.Message
		}
		s.logError(ds, code, msg, "")
		manifest := objectstore.Object{Bucket: staged.Bucket, Key: "errors/manifests/" + objectName(ds.Name, ds.Version, b.t),
			Body: redshift.Manifest(staged.Bucket, []string{staged.Key})}
		if !s.write(ctx, l, ds, manifest, len(b.out)) {
			return sent{}, ctx.Err()
		}
		return sent{objects: 2}, nil
	}
	return sent{records: len(b.out), bytes: int64(len(joinData(b.out))), objects: 1}, nil
}

func redshiftConfig(x *RedshiftDestination) redshift.Config {
	return redshift.Config{JDBCURL: x.JDBCURL, Username: x.Username, Password: x.Password, Table: x.Table, Columns: x.Columns,
		CopyOptions: x.CopyOptions, RetryDuration: time.Duration(x.RetrySeconds) * time.Second}
}

// logError sends a delivery error to the error log, as Firehose logs it to
// CloudWatch Logs.
func (s *Service) logError(ds *DeliveryStream, code, msg, processor string) {
	if s.cfg.Errors == nil {
		return
	}
	lg := ds.S3.Logging
	if c := ds.common(); c != nil {
		lg = c.Logging
	}
	e := DeliveryError{Time: s.now(), DeliveryStreamARN: ds.ARN(), Destination: ds.destinationName(),
		DeliveryStreamVersionID: ds.Version, Message: msg, ErrorCode: code, Processor: processor}
	if lg.Enabled {
		e.LogGroupName, e.LogStreamName = lg.LogGroupName, lg.LogStreamName
	}
	s.cfg.Errors.Log(e)
}

// destinationName is how error logs name the destination: the bucket,
// the endpoint, or the table.
func (ds *DeliveryStream) destinationName() string {
	switch {
	case ds.HTTP != nil:
		return ds.HTTP.URL
	case ds.Search != nil:
		if ds.Search.CollectionEndpoint != "" {
			return ds.Search.CollectionEndpoint
		}
		return ds.Search.ClusterEndpoint + "/" + ds.Search.IndexName
	case ds.Splunk != nil:
		return ds.Splunk.HECEndpoint
	case ds.Redshift != nil:
		return ds.Redshift.JDBCURL + " " + ds.Redshift.Table
	case ds.Snowflake != nil:
		return ds.Snowflake.AccountURL
	}
	return "arn:aws:s3:::" + ds.S3.Bucket()
}

// icebergTable is the Iceberg destination's table: its columns from the
// Glue table file, in the warehouse (or the S3 configuration's bucket).
func (s *Service) icebergTable(d *Destinations) (iceberg.Table, error) {
	x := d.Iceberg
	if s.cfg.IcebergDir == "" {
		return iceberg.Table{}, errInvalid("This server keeps no Iceberg metadata directory: Iceberg destinations are not available.")
	}
	if len(x.Tables) != 1 {
		return iceberg.Table{}, errInvalid("Sluice delivers to exactly one Iceberg table per Firehose stream: give one DestinationTableConfiguration (got %d).", len(x.Tables))
	}
	t := x.Tables[0]
	if len(t.UniqueKeys) > 0 {
		return iceberg.Table{}, errInvalid("UniqueKeys (updates and deletes) are not supported by Sluice's Iceberg destination: it appends.")
	}
	if s.cfg.Tables == nil {
		return iceberg.Table{}, errInvalid("The Iceberg destination takes the table's columns from a Glue table; Sluice has no Glue: start sluice with --glue-tables FILE.")
	}
	cols, ok := s.cfg.Tables.Table(t.Database, t.Table)
	if !ok {
		return iceberg.Table{}, errInvalid("The Glue table %s.%s is not in the server's --glue-tables file.", t.Database, t.Table)
	}
	if _, err := iceberg.Schema(cols); err != nil {
		return iceberg.Table{}, errInvalid("The Glue table %s.%s has no Iceberg schema: %v.", t.Database, t.Table, err)
	}
	tbl := iceberg.Table{Bucket: d.S3.Bucket(), Columns: cols}
	if x.WarehouseLocation != "" {
		bucket, prefix, err := iceberg.ParseWarehouse(x.WarehouseLocation)
		if err != nil {
			return iceberg.Table{}, errInvalid("%s", err.Error())
		}
		tbl.Bucket, tbl.Warehouse = bucket, prefix
	}
	return tbl, nil
}

// sendIceberg appends the batch to the Iceberg table, retrying a failed
// commit with backoff for the retry duration; records that do not fit the
// table, or all of them when the commit keeps failing, go to the error
// output (iceberg-failed).
func (s *Service) sendIceberg(ctx context.Context, ds *DeliveryStream, b *batch) (sent, error) {
	tbl, err := s.icebergTable(&ds.Destinations)
	if err != nil {
		s.deliveryFailure(ds, b, b.out, errIceberg, "Iceberg.InvalidConfiguration", err.Error(), 1)
		return sent{}, nil
	}
	data := make([][]byte, len(b.out))
	for i, r := range b.out {
		data[i] = r.data
	}
	first := time.Now()
	backoff := time.Second
	for attempt := 1; ; attempt++ {
		res, err := s.dest.iceberg.Append(ctx, tbl, data)
		if err == nil {
			failed := make(map[int]bool, len(res.Failed))
			for _, f := range res.Failed {
				failed[f.Index] = true
				s.deliveryFailure(ds, b, b.out[f.Index:f.Index+1], errIceberg, f.Code, f.Message, attempt)
			}
			out := sent{records: res.Rows, objects: 1}
			for i, r := range b.out {
				if !failed[i] {
					out.bytes += int64(len(r.data))
				}
			}
			return out, nil
		}
		if ctx.Err() != nil {
			return sent{}, ctx.Err()
		}
		if time.Since(first) >= time.Duration(ds.Iceberg.RetrySeconds)*time.Second {
			s.deliveryFailure(ds, b, b.out, errIceberg, "Iceberg.AppendFailed", err.Error(), attempt)
			return sent{}, nil
		}
		s.logError(ds, "Iceberg.AppendFailed", err.Error(), "")
		if clock.Sleep(ctx, nil, backoff) != nil {
			return sent{}, ctx.Err()
		}
		backoff = min(backoff*2, 2*time.Minute)
	}
}
