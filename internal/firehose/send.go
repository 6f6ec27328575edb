package firehose

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	"time"

	"sluice/internal/objectstore"
)

// batch is one delivery on its way: the records as read from the log (for
// source record backup), the processed records, the failures so far, and
// the time its keys are evaluated at (the oldest record's arrival, in the
// destination's zone).
type batch struct {
	src    []rawRecord
	out    []outRecord
	failed []failedRecord
	t      time.Time
	keys   *partitionKeys // dynamic partitioning: the partition's keys
}

// sent is what a delivery achieved, for the metrics.
type sent struct {
	records int
	bytes   int64
	objects int
}

// send delivers a batch to the delivery stream's destination, writes the
// error output of the records that failed (processing, conversion or
// delivery) and the backups the configuration asks for. An error means
// the batch is not done: the deliverer was stopped (ctx ended), or an
// object could not be built; the caller keeps the records and tries again
// (at-least-once: what was delivered meanwhile is delivered again).
func (s *Service) send(ctx context.Context, l *live, ds *DeliveryStream, b *batch) (sent, error) {
	var res sent
	var objs []objectstore.Object
	var err error
	switch ds.kind() {
	case KindS3:
		objs, res, err = s.s3Objects(ds, b)
	default:
		res, err = s.sendDestination(ctx, l, ds, b)
		// AllData backs up every record of the HTTP endpoint, OpenSearch
		// and Splunk destinations (Redshift's backup is of the source
		// records; Snowflake's and Iceberg's staged files are in S3).
		if err == nil && (ds.HTTP != nil || ds.Search != nil || ds.Splunk != nil) && ds.common().AllData() {
			objs, err = s.dataObject(ds, &objs, ds.S3.Prefix, b)
			l.metrics.BackupRecords.Add(int64(len(b.out)))
		}
	}
	if err != nil {
		return res, err
	}
	// A partition's object is retried for the dynamic partitioning
	// RetryOptions; then its records go to the error output (s3-failed).
	if b.keys != nil && len(objs) > 0 && ds.S3.Partitioning != nil {
		written, stopped := s.writeFor(ctx, l, ds, objs[0], time.Duration(ds.S3.Partitioning.RetrySeconds)*time.Second)
		if stopped {
			return res, ctx.Err()
		}
		objs = objs[1:]
		if !written {
			ended := s.now().UnixMilli()
			for _, r := range b.out {
				b.failed = append(b.failed, failedRecord{errorType: errS3, errorRecord: errorRecord{AttemptsMade: 1, ArrivalTimestamp: r.arrival,
					ErrorCode: "S3.PutObjectFailed", ErrorMessage: "Firehose could not write the partition's object for the retry duration of dynamic partitioning.",
					AttemptEndingTimestamp: ended, RawData: base64.StdEncoding.EncodeToString(r.data)}})
			}
			res = sent{}
		}
	}
	errObjs, err := s.errorObjects(ds, b)
	if err != nil {
		return res, err
	}
	bk, err := s.backupObject(ds, b)
	if err != nil {
		return res, err
	}
	for _, obj := range objs {
		if !s.write(ctx, l, ds, obj, len(b.src)) {
			return res, ctx.Err()
		}
	}
	// The error output is retried until it is written (AWS blocks delivery
	// while it cannot write it): the position must not pass records that
	// are neither delivered nor in the error output.
	for _, obj := range errObjs {
		if _, stopped := s.writeFor(ctx, l, ds, obj, time.Duration(math.MaxInt64)); stopped {
			return res, ctx.Err()
		}
	}
	if bk != nil {
		if !s.write(ctx, l, ds, *bk, len(b.src)) {
			return res, ctx.Err()
		}
		l.metrics.BackupRecords.Add(int64(len(b.src)))
	}
	l.metrics.ErrorRecords.Add(int64(len(b.failed)))
	res.objects += len(objs) + len(errObjs)
	if bk != nil {
		res.objects++
	}
	return res, nil
}

// pause waits after a delivery that could not be built, before the
// deliverer tries the batch again; false when the deliverer was stopped.
func (s *Service) pause(l *live) bool {
	select {
	case <-l.stop:
		return false
	case <-time.After(s.cfg.RetryPause):
		return true
	}
}

// zone is the time zone of the destination's keys.
func (d *S3Destination) zone() *time.Location {
	if d.CustomTimeZone != "" {
		if z, err := time.LoadLocation(d.CustomTimeZone); err == nil {
			return z
		}
	}
	return time.UTC
}

// s3Objects builds the S3 destination's object of the batch: converted
// to Parquet when record format conversion is on (records that do not
// convert join the batch's failures), else the records concatenated and
// compressed.
func (s *Service) s3Objects(ds *DeliveryStream, b *batch) ([]objectstore.Object, sent, error) {
	if len(b.out) == 0 {
		return nil, sent{}, nil
	}
	d := ds.S3
	if c := d.Conversion; c != nil && c.Enabled {
		return s.convertedObject(ds, b)
	}
	data := joinData(b.out)
	obj, err := s.objectAt(ds, d.Bucket(), d.Prefix, d.Compression, d.FileExtension, data, b, "")
	if err != nil {
		return nil, sent{}, err
	}
	return []objectstore.Object{obj}, sent{records: len(b.out), bytes: int64(len(data)), objects: 0}, nil
}

// dataObject appends to objs the object of the batch's processed records
// under prefix in the S3 configuration's bucket (the AllData backup of
// the other destinations, Redshift's staged object).
func (s *Service) dataObject(ds *DeliveryStream, objs *[]objectstore.Object, prefix string, b *batch) ([]objectstore.Object, error) {
	if len(b.out) == 0 {
		return *objs, nil
	}
	d := ds.S3
	obj, err := s.objectAt(ds, d.Bucket(), prefix, d.Compression, "", joinData(b.out), b, "")
	if err != nil {
		return nil, err
	}
	return append(*objs, obj), nil
}

func joinData(out []outRecord) []byte {
	n := 0
	for _, r := range out {
		n += len(r.data)
	}
	data := make([]byte, 0, n)
	for _, r := range out {
		data = append(data, r.data...)
	}
	return data
}

// destinationFailure are the error output types of failed deliveries.
var destinationFailure = map[string]bool{errHTTPEndpoint: true, errOpenSearch: true, errElasticsearch: true, errSplunk: true, errS3: true, errIceberg: true}

// errorObjects builds one object per error output type of the batch's
// failures: AWS's JSON error records, one per line, under
// ErrorOutputPrefix (default "<error-output-type>/").
func (s *Service) errorObjects(ds *DeliveryStream, b *batch) ([]objectstore.Object, error) {
	if len(b.failed) == 0 {
		return nil, nil
	}
	d := ds.S3
	prefix := d.ErrorOutputPrefix
	if prefix == "" {
		prefix = "!{firehose:error-output-type}/"
	}
	byType := map[string]*bytes.Buffer{}
	var order []string
	for _, f := range b.failed {
		buf := byType[f.errorType]
		if buf == nil {
			buf = &bytes.Buffer{}
			byType[f.errorType] = buf
			order = append(order, f.errorType)
		}
		line := f.line
		if line == nil {
			line, _ = json.Marshal(f.errorRecord)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	var objs []objectstore.Object
	for _, typ := range order {
		// Delivery failures are logged where they happen (dest.go);
		// processing, conversion and partitioning ones here, once a batch.
		if !destinationFailure[typ] {
			for _, f := range b.failed {
				if f.errorType == typ {
					s.logError(ds, f.ErrorCode, f.ErrorMessage, f.LambdaArn)
					break
				}
			}
		}
		eb := *b
		eb.keys = nil // error prefixes hold no partition keys
		obj, err := s.objectAt(ds, d.Bucket(), prefix, Uncompressed, "", byType[typ].Bytes(), &eb, typ)
		if err != nil {
			return nil, err
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

// backupObject is the source record backup of an Extended S3 destination
// (S3BackupMode Enabled) or of Redshift (S3BackupConfiguration): the
// records as they arrived, before processing.
func (s *Service) backupObject(ds *DeliveryStream, b *batch) (*objectstore.Object, error) {
	var bk *S3Backup
	switch {
	case ds.kind() == KindS3 && ds.S3.S3BackupMode == "Enabled":
		bk = ds.S3.Backup
	case ds.Redshift != nil && ds.Redshift.S3BackupMode == "Enabled":
		bk = ds.Redshift.Backup
	}
	if bk == nil || len(b.src) == 0 {
		return nil, nil
	}
	var raw []byte
	for _, r := range b.src {
		raw = append(raw, r.data...)
	}
	eb := *b
	eb.keys = nil
	obj, err := s.objectAt(ds, S3Destination{BucketARN: bk.BucketARN}.Bucket(), bk.Prefix, bk.Compression, "", raw, &eb, "")
	if err != nil {
		return nil, err
	}
	return &obj, nil
}

// objectAt builds one object of data: compressed, named as Firehose names
// objects, under the prefix evaluated at the batch's time (and partition
// keys).
func (s *Service) objectAt(ds *DeliveryStream, bucket, prefix, compression, fileExtension string, data []byte, b *batch, errorType string) (objectstore.Object, error) {
	parts, err := compilePrefix(prefix, errorType != "")
	if err != nil {
		return objectstore.Object{}, err
	}
	name := objectName(ds.Name, ds.Version, b.t)
	body, encoding, err := compress(compression, data, name)
	if err != nil {
		return objectstore.Object{}, err
	}
	return objectstore.Object{
		Bucket:          bucket,
		Key:             evalPartitionedPrefix(parts, b.t, errorType, b.keys) + name + extension(compression, fileExtension),
		Body:            body,
		ContentEncoding: encoding,
	}, nil
}
