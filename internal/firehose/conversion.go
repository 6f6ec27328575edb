package firehose

import (
	"encoding/base64"

	"sluice/internal/firehose/convert"
	"sluice/internal/objectstore"
)

// conversionOptions are the convert options of a record format
// conversion, with its table from the server's Glue table file.
func (s *Service) conversionOptions(c *FormatConversion) (convert.Options, error) {
	if c.ORC != nil {
		return convert.Options{}, errInvalid("%s", convert.ErrORCUnsupported.Error())
	}
	if c.Parquet != nil && c.Parquet.MaxPaddingBytes > 0 {
		// Padding aligns row groups to HDFS blocks; Sluice does not pad, and
		// refuses rather than accept and ignore it.
		return convert.Options{}, errInvalid("ParquetSerDe.MaxPaddingBytes must be 0: Sluice does not pad row groups.")
	}
	if c.Parquet == nil {
		return convert.Options{}, errInvalid("OutputFormatConfiguration.Serializer must have ParquetSerDe (or OrcSerDe).")
	}
	if s.cfg.Tables == nil {
		return convert.Options{}, errInvalid("Record format conversion takes its schema from a Glue table; Sluice has no Glue: start sluice with --glue-tables FILE (the tables as `aws glue get-table --query Table` prints them).")
	}
	table, ok := s.cfg.Tables.Table(c.Database, c.Table)
	if !ok {
		return convert.Options{}, errInvalid("The Glue table %s.%s is not in the server's --glue-tables file.", c.Database, c.Table)
	}
	o := convert.Options{Table: table}
	switch {
	case c.Hive != nil:
		o.In.Hive = &convert.Hive{TimestampFormats: c.Hive.TimestampFormats}
	case c.OpenX != nil:
		x := &convert.OpenX{CaseInsensitive: c.OpenX.CaseInsensitive, ColumnToJSONKeyMappings: c.OpenX.ColumnToJSONKeyMappings}
		if c.OpenX.ConvertDotsInJSONKeysToUnderscores != nil {
			x.ConvertDotsInJSONKeysToUnderscores = *c.OpenX.ConvertDotsInJSONKeysToUnderscores
		}
		o.In.OpenX = x
	}
	p := c.Parquet
	o.Out = convert.Parquet{Compression: p.Compression, BlockSizeBytes: p.BlockSizeBytes, PageSizeBytes: p.PageSizeBytes,
		MaxPaddingBytes: p.MaxPaddingBytes, EnableDictionaryCompression: convert.DefaultEnableDictionaryCompression,
		WriterVersion: p.WriterVersion}
	if p.EnableDictionaryCompression != nil {
		o.Out.EnableDictionaryCompression = *p.EnableDictionaryCompression
	}
	if err := o.Validate(); err != nil {
		return o, errInvalid("%s", err.Error())
	}
	return o, nil
}

// checkConversion checks record format conversion: Extended S3 only, the
// table known, the serializer one Sluice writes, and no compression of
// the object (the serializer compresses).
func (s *Service) checkConversion(d *S3Destination) error {
	c := d.Conversion
	if c == nil || !c.Enabled {
		return nil
	}
	if !d.Extended {
		return errInvalid("DataFormatConversionConfiguration is only supported with ExtendedS3DestinationConfiguration.")
	}
	if d.Compression != Uncompressed {
		return errInvalid("When record format conversion is enabled, CompressionFormat must be UNCOMPRESSED (the serializer compresses): got %s.", d.Compression)
	}
	_, err := s.conversionOptions(c)
	return err
}

// convertedObject is the Parquet object of the batch's records; the
// records that do not convert join the batch's failures
// (format-conversion-failed).
func (s *Service) convertedObject(ds *DeliveryStream, b *batch) ([]objectstore.Object, sent, error) {
	d := ds.S3
	o, err := s.conversionOptions(d.Conversion)
	if err != nil {
		// The configuration was checked at creation; it fails now when the
		// server restarted without the table (--glue-tables): the records
		// go to the error output rather than stop the deliverer.
		ended := s.now().UnixMilli()
		for _, r := range b.out {
			b.failed = append(b.failed, failedRecord{errorType: errConversion, errorRecord: errorRecord{
				AttemptsMade: 1, ArrivalTimestamp: r.arrival, ErrorCode: convert.CodeEntityNotFound, ErrorMessage: err.Error(),
				AttemptEndingTimestamp: ended, RawData: base64.StdEncoding.EncodeToString(r.data)}})
		}
		return nil, sent{}, nil
	}
	recs := make([][]byte, len(b.out))
	for i, r := range b.out {
		recs[i] = r.data
	}
	file, failed, err := convert.ToParquet(o, recs)
	if err != nil {
		return nil, sent{}, err
	}
	ended := s.now().UnixMilli()
	bad := make(map[int]bool, len(failed))
	for _, f := range failed {
		bad[f.Index] = true
		r := b.out[f.Index]
		b.failed = append(b.failed, failedRecord{errorType: errConversion, errorRecord: errorRecord{
			AttemptsMade: 1, ArrivalTimestamp: r.arrival, ErrorCode: f.Code, ErrorMessage: f.Message,
			AttemptEndingTimestamp: ended, RawData: base64.StdEncoding.EncodeToString(r.data)}})
	}
	if len(failed) == len(b.out) {
		return nil, sent{}, nil
	}
	obj, err := s.objectAt(ds, d.Bucket(), d.Prefix, Uncompressed, convert.FileExtension("ParquetSerDe", d.FileExtension), file, b, "")
	if err != nil {
		return nil, sent{}, err
	}
	var size int64
	for i, r := range b.out {
		if !bad[i] {
			size += int64(len(r.data))
		}
	}
	return []objectstore.Object{obj}, sent{records: len(b.out) - len(failed), bytes: size}, nil
}
