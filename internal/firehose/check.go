package firehose

import (
	"strconv"
)

// normalizeS3 is normalizeDestination for the S3 destination kind, with
// its processing, record format conversion and dynamic partitioning
// checked; old is the configuration an update replaces (nil at creation).
func (s *Service) normalizeS3(d S3Destination, old *S3Destination) (S3Destination, error) {
	// Dynamic partitioning and record format conversion deliver large
	// objects: AWS's buffer size is 64 to 128 MiB there, 128 by default.
	partitioned := d.Partitioning != nil && d.Partitioning.Enabled
	converted := d.Conversion != nil && d.Conversion.Enabled
	if partitioned || converted {
		if d.SizeInMBs == 0 {
			d.SizeInMBs = 128
		}
		if d.SizeInMBs < 64 {
			what := "dynamic partitioning"
			if !partitioned {
				what = "record format conversion"
			}
			return d, errInvalid("BufferingHints.SizeInMBs must be at least 64 when %s is enabled.", what)
		}
	}
	d, err := normalizeDestination(d)
	if err != nil {
		return d, err
	}
	if err := s.checkProcessing(d.Processing); err != nil {
		return d, err
	}
	if err := s.checkPartitioning(&d, old); err != nil {
		return d, err
	}
	if err := s.checkConversion(&d); err != nil {
		return d, err
	}
	return d, nil
}

// checkProcessing checks the processors of a processing configuration,
// and refuses Lambda processors when the server has no Lambda endpoint.
func (s *Service) checkProcessing(proc Processing) error {
	if !proc.Enabled {
		return nil
	}
	for _, p := range proc.Processors {
		switch p.Type {
		case ProcessorLambda:
			if s.cfg.Lambda == nil {
				return errInvalid("Data transformation with Lambda needs a Lambda endpoint: start sluice with --lambda-endpoint.")
			}
			if p.param("LambdaArn") == "" {
				return errInvalid("The Lambda processor needs the LambdaArn parameter.")
			}
			if v := p.param("NumberOfRetries"); v != "" {
				if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 5 {
					return errInvalid("NumberOfRetries must be a whole number from 0 to 5: %s.", v)
				}
			}
			if v := p.param("BufferSizeInMBs"); v != "" {
				if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0.2 || f > 3 {
					return errInvalid("BufferSizeInMBs of the Lambda processor must be from 0.2 to 3: %s.", v)
				}
			}
		}
	}
	if _, err := chain(proc); err != nil {
		return errInvalid("%s", err.Error())
	}
	return nil
}

// checkPartitioning checks dynamic partitioning: Extended S3 only, chosen
// at creation and never changed.
func (s *Service) checkPartitioning(d *S3Destination, old *S3Destination) error {
	on := d.Partitioning != nil && d.Partitioning.Enabled
	if old != nil {
		was := old.Partitioning != nil && old.Partitioning.Enabled
		if on != was {
			return errInvalid("Dynamic partitioning can only be enabled when the delivery stream is created, and cannot be disabled.")
		}
	}
	parts, _ := compilePrefix(d.Prefix, false) // checked by normalizeDestination
	var query, lambda bool
	for _, p := range parts {
		query = query || p.queryKey != ""
		lambda = lambda || p.lambdaKey != ""
	}
	if !on {
		if query || lambda {
			return errInvalid("The prefix uses partition keys (!{partitionKeyFromQuery:...} or !{partitionKeyFromLambda:...}): DynamicPartitioningConfiguration must be enabled.")
		}
		return nil
	}
	if !d.Extended {
		return errInvalid("DynamicPartitioningConfiguration is only supported with ExtendedS3DestinationConfiguration.")
	}
	if d.ErrorOutputPrefix == "" {
		return errInvalid("ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled.")
	}
	if d.IntervalInSeconds == 0 {
		return errInvalid("Zero buffering (IntervalInSeconds 0) is not available with dynamic partitioning.")
	}
	if d.Partitioning.RetrySeconds < 0 {
		d.Partitioning.RetrySeconds = 300
	}
	has := func(typ string) bool {
		if !d.Processing.Enabled {
			return false
		}
		for _, p := range d.Processing.Processors {
			if p.Type == typ {
				return true
			}
		}
		return false
	}
	if query && !has("MetadataExtraction") {
		return errInvalid("The prefix uses !{partitionKeyFromQuery:...}: a MetadataExtraction processor must be configured.")
	}
	if lambda && !has(ProcessorLambda) {
		return errInvalid("The prefix uses !{partitionKeyFromLambda:...}: a Lambda processor must be configured.")
	}
	return nil
}

// checkDestination fills the defaults of a non-S3 destination's own
// configuration and checks it with its delivery package.
func (s *Service) checkDestination(d *Destinations) error {
	var err error
	switch {
	case d.HTTP != nil:
		h := d.HTTP
		if h.ContentEncoding == "" {
			h.ContentEncoding = "NONE"
		}
		err = s.httpConfig(h).Validate()
	case d.Search != nil:
		x := d.Search
		if d.Kind != KindOpenSearchServerless {
			if x.IndexRotation == "" {
				x.IndexRotation = "OneDay"
			}
			if x.DocumentIDFormat == "" {
				x.DocumentIDFormat = "FIREHOSE_DEFAULT"
			}
			if x.ClusterEndpoint == "" {
				return errInvalid("Sluice has no OpenSearch domains to resolve DomainARN to an endpoint: give ClusterEndpoint (the URL of your OpenSearch or Elasticsearch cluster).")
			}
		}
		err = searchConfig(d.Kind, x).Validate()
	case d.Splunk != nil:
		if d.Splunk.AckTimeoutSeconds == 0 {
			d.Splunk.AckTimeoutSeconds = 180
		}
		err = splunkConfig(d.Splunk).Validate()
	case d.Redshift != nil:
		if d.S3.Compression != Uncompressed && d.S3.Compression != GZIP {
			return errInvalid("Compression format %s is not supported for the Redshift destination; use UNCOMPRESSED or GZIP.", d.S3.Compression)
		}
		if d.Redshift.S3BackupMode == "Enabled" {
			if d.Redshift.Backup == nil {
				return errInvalid("S3BackupConfiguration is required when S3BackupMode is Enabled.")
			}
			if err := checkBackup(d.Redshift.Backup); err != nil {
				return err
			}
		}
		if d.Redshift.Username == "" || d.Redshift.Password == "" {
			return errInvalid("Username and Password are required for the Redshift destination (Sluice has no Secrets Manager).")
		}
		err = redshiftConfig(d.Redshift).Validate()
	case d.Snowflake != nil:
		if d.Snowflake.DataLoadingOption == "" {
			d.Snowflake.DataLoadingOption = "JSON_MAPPING"
		}
	case d.Iceberg != nil:
		if _, err := s.icebergTable(d); err != nil {
			return err
		}
	}
	if err != nil {
		return errInvalid("%s", err.Error())
	}
	return nil
}

// checkBackup fills a backup configuration's default compression and
// checks its prefix: evaluated at delivery, it must compile, and it holds
// no partition keys (the backup is not partitioned).
func checkBackup(b *S3Backup) error {
	if b.Compression == "" {
		b.Compression = Uncompressed
	}
	if hasPartitionKeys(b.Prefix) {
		return errInvalid("Partition keys are not allowed in the S3 backup prefix: %s.", b.Prefix)
	}
	if _, err := compilePrefix(b.Prefix, false); err != nil {
		return err
	}
	return nil
}
