package firehose

import "slices"

// clone returns a deep enough copy of d for an update to edit.
func (d Destinations) clone() Destinations {
	c := d
	c.S3 = d.S3.clone()
	if d.HTTP != nil {
		h := *d.HTTP
		h.CommonAttributes = slices.Clone(h.CommonAttributes)
		c.HTTP = &h
	}
	if d.Search != nil {
		x := *d.Search
		c.Search = &x
	}
	if d.Splunk != nil {
		x := *d.Splunk
		c.Splunk = &x
	}
	if d.Redshift != nil {
		x := *d.Redshift
		if x.Backup != nil {
			b := *x.Backup
			x.Backup = &b
		}
		c.Redshift = &x
	}
	if d.Snowflake != nil {
		x := *d.Snowflake
		c.Snowflake = &x
	}
	if d.Iceberg != nil {
		x := *d.Iceberg
		x.Tables = slices.Clone(x.Tables)
		c.Iceberg = &x
	}
	return c
}

func (d S3Destination) clone() S3Destination {
	c := d
	c.Processing.Processors = slices.Clone(d.Processing.Processors)
	if d.Backup != nil {
		b := *d.Backup
		c.Backup = &b
	}
	if d.Conversion != nil {
		x := *d.Conversion
		c.Conversion = &x
	}
	if d.Partitioning != nil {
		x := *d.Partitioning
		c.Partitioning = &x
	}
	return c
}

// common returns the non-S3 destination's common settings, nil for S3.
func (d *Destinations) common() *Common {
	switch {
	case d.HTTP != nil:
		return &d.HTTP.Common
	case d.Search != nil:
		return &d.Search.Common
	case d.Splunk != nil:
		return &d.Splunk.Common
	case d.Redshift != nil:
		return &d.Redshift.Common
	case d.Snowflake != nil:
		return &d.Snowflake.Common
	case d.Iceberg != nil:
		return &d.Iceberg.Common
	}
	return nil
}

// hints are the buffering hints deliveries follow: the S3 destination's,
// Redshift's S3 configuration's (Redshift has none of its own), or the
// destination's own.
func (d *Destinations) hints() (sizeMB, intervalSeconds int64) {
	if c := d.common(); c != nil && d.kind() != KindRedshift {
		return c.SizeInMBs, c.IntervalInSeconds
	}
	return d.S3.SizeInMBs, d.S3.IntervalInSeconds
}

// processing is the data transformation configuration in force.
func (d *Destinations) processing() Processing {
	if c := d.common(); c != nil {
		return c.Processing
	}
	return d.S3.Processing
}

// destinationDefaults are AWS's defaults for a destination kind's
// buffering hints and retry duration.
var destinationDefaults = map[string]struct{ size, interval, retry int64 }{
	KindHTTPEndpoint:         {5, 300, 300},
	KindOpenSearch:           {5, 300, 300},
	KindElasticsearch:        {5, 300, 300},
	KindOpenSearchServerless: {5, 300, 300},
	KindSplunk:               {5, 60, 3600},
	KindRedshift:             {0, 0, 3600},
	KindSnowflake:            {128, 0, 60},
	KindIceberg:              {5, 300, 300},
}

// defaultBackupMode is each kind's default S3BackupMode.
var defaultBackupMode = map[string]string{
	KindHTTPEndpoint:         "FailedDataOnly",
	KindOpenSearch:           "FailedDocumentsOnly",
	KindElasticsearch:        "FailedDocumentsOnly",
	KindOpenSearchServerless: "FailedDocumentsOnly",
	KindSplunk:               "FailedEventsOnly",
	KindRedshift:             "Disabled",
	KindSnowflake:            "FailedDataOnly",
	KindIceberg:              "FailedDataOnly",
}

// normalizeDestinations fills defaults and checks a delivery stream's
// destinations; old is the current configuration on update (nil at
// creation), for the settings AWS lets no update change.
func (s *Service) normalizeDestinations(d Destinations, old *Destinations) (Destinations, error) {
	d.Kind = d.kind()
	if old != nil && old.kind() != d.Kind {
		if isSearch(old.kind()) != isSearch(d.Kind) && (isSearch(old.kind()) || isSearch(d.Kind)) {
			return d, errInvalid("An OpenSearch destination can only be updated to another OpenSearch destination.")
		}
	}
	if old != nil && old.kind() == KindS3 && old.S3.Partitioning != nil && old.S3.Partitioning.Enabled && d.Kind != KindS3 {
		return d, errInvalid("Dynamic partitioning cannot be disabled: a delivery stream with dynamic partitioning keeps its Extended S3 destination.")
	}
	if d.Kind == KindS3 {
		d.HTTP, d.Search, d.Splunk, d.Redshift, d.Snowflake, d.Iceberg = nil, nil, nil, nil, nil, nil
		var oldS3 *S3Destination
		if old != nil {
			// From another kind, dynamic partitioning counts as off:
			// it can only be chosen at creation.
			oldS3 = &S3Destination{}
			if old.kind() == KindS3 {
				oldS3 = &old.S3
			}
		}
		s3, err := s.normalizeS3(d.S3, oldS3)
		d.S3 = s3
		return d, err
	}
	c := d.common()
	if c == nil {
		return d, errInvalid("Exactly one destination configuration must be specified.")
	}
	def := destinationDefaults[d.Kind]
	if c.SizeInMBs == 0 {
		c.SizeInMBs = def.size
	}
	if c.IntervalInSeconds < 0 {
		c.IntervalInSeconds = def.interval
	}
	if c.RetrySeconds < 0 {
		c.RetrySeconds = def.retry
	}
	if c.S3BackupMode == "" {
		c.S3BackupMode = defaultBackupMode[d.Kind]
	}
	if old != nil && old.kind() == d.Kind {
		if oc := old.common(); oc != nil && oc.AllData() && !c.AllData() {
			return d, errInvalid("S3BackupMode cannot be changed from %s to %s.", oc.S3BackupMode, c.S3BackupMode)
		}
	}
	// The S3 configuration: backup (and staging) bucket. Its own
	// processing, partitioning and conversion do not exist.
	d.S3.Extended = false
	if hasPartitionKeys(d.S3.Prefix) {
		return d, errInvalid("Partition keys (!{partitionKeyFromQuery:...}, !{partitionKeyFromLambda:...}) are only allowed in the Prefix of an Extended S3 destination with dynamic partitioning.")
	}
	s3, err := normalizeDestination(d.S3)
	if err != nil {
		return d, err
	}
	d.S3 = s3
	if err := s.checkProcessing(c.Processing); err != nil {
		return d, err
	}
	if err := s.checkDestination(&d); err != nil {
		return d, err
	}
	return d, nil
}

func isSearch(kind string) bool {
	return kind == KindOpenSearch || kind == KindElasticsearch || kind == KindOpenSearchServerless
}
