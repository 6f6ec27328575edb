package firehose

import (
	"strconv"
)

// normalizeS3 is normalizeDestination for the S3 destination kind, with
// its processing, record format conversion and dynamic partitioning
// checked; old is the configuration an update replaces (nil at creation).
func (s *Service) normalizeS3(d S3Destination, old *S3Destination) (S3Destination, error) {
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
		case ProcessorAppendDelimiter:
		default:
			return errInvalid("Sluice does not run the %s processor yet; it runs Lambda and AppendDelimiterToRecord.", p.Type)
		}
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
	if !on {
		return nil
	}
	return errInvalid("Sluice does not support DynamicPartitioningConfiguration (dynamic partitioning) yet.")
}

// checkConversion checks record format conversion.
func (s *Service) checkConversion(d *S3Destination) error {
	if d.Conversion == nil || !d.Conversion.Enabled {
		return nil
	}
	return errInvalid("Sluice does not support DataFormatConversionConfiguration (record format conversion) yet.")
}

// checkDestination checks a non-S3 destination's own configuration.
func (s *Service) checkDestination(d *Destinations) error {
	return errInvalid("Sluice does not deliver to %s yet.", d.Kind)
}
