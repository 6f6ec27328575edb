package channels

import (
	"context"
	"errors"
	"strconv"

	"sluice/internal/firehose"
)

// compressions maps a channel's CompressionType to the engine's
// CompressionFormat (ZSTD is the engine's, not Firehose's API's).
var compressions = map[string]string{
	CompressionNone: firehose.Uncompressed,
	CompressionGZIP: firehose.GZIP,
	CompressionZSTD: firehose.ZSTD,
}

// compressionExt is the extension !{extension} stands for.
var compressionExt = map[string]string{CompressionNone: "", CompressionGZIP: ".gz", CompressionZSTD: ".zst"}

// destination maps a channel's S3 configuration onto the engine's
// Extended S3 destination for source stream n:
//
//	BucketARN               BucketARN
//	OutputKeyTemplate       Prefix (keyTemplate.firehosePrefix) and
//	                        FileExtension (a literal !{extension:.x})
//	CompressionType         CompressionFormat (NONE is UNCOMPRESSED)
//	DataFreshnessInSeconds  BufferingHints.IntervalInSeconds
//	(none)                  BufferingHints.SizeInMBs 128, the largest
//	DeadLetterQueue prefix  ErrorOutputPrefix
//	LoggingConfiguration    CloudWatchLoggingOptions (delivery errors go
//	                        to the log group and stream)
//	ServiceExecutionRoleARN RoleARN
func destination(ch *Channel, n int) (firehose.S3Destination, error) {
	sc := ch.S3
	tpl := sc.OutputKeyTemplate
	if tpl == "" {
		tpl = DefaultKeyTemplate
	}
	k, err := parseKeyTemplate(tpl, compressionExt[sc.Compression], templateVars{ch.Name, ch.ID, ch.Streams[n].Name})
	if err != nil {
		return firehose.S3Destination{}, err
	}
	d := firehose.S3Destination{
		Extended:          true,
		RoleARN:           ch.RoleARN,
		BucketARN:         sc.BucketARN,
		Prefix:            k.firehosePrefix(),
		ErrorOutputPrefix: sc.DeadLetter.ErrorOutputPrefix,
		SizeInMBs:         deliverySize,
		IntervalInSeconds: sc.FreshnessSeconds,
		Compression:       compressions[sc.Compression],
		S3BackupMode:      "Disabled",
		Logging:           firehose.Logging(ch.Logging),
	}
	if k.ext != "" && k.ext != "!" {
		d.FileExtension = k.ext
	}
	return d, nil
}

// createDeliveries creates the channel's delivery streams, one per source
// stream, deleting those made when one fails.
func (s *Service) createDeliveries(ctx context.Context, ch *Channel) error {
	for i, src := range ch.Streams {
		d, err := destination(ch, i)
		if err == nil {
			_, err = s.cfg.Deliveries.CreateDeliveryStream(ctx, fhCaller(ch), firehose.CreateParams{
				Name:   DeliveryStreamName(ch.ID, i),
				Type:   firehose.TypeKinesisSource,
				Source: &firehose.KinesisSource{StreamARN: src.ARN, RoleARN: ch.RoleARN},
				S3:     &d,
				Owner:  Owner(ch.ID),
			})
		}
		if err != nil {
			for j := range i {
				s.cfg.Deliveries.DeleteDeliveryStream(ctx, fhCaller(ch), DeliveryStreamName(ch.ID, j))
			}
			return deliveryErr(err)
		}
	}
	return nil
}

// ensureDeliveries creates the delivery streams a loaded channel lacks.
func (s *Service) ensureDeliveries(ctx context.Context, ch *Channel) {
	for i := range ch.Streams {
		name := DeliveryStreamName(ch.ID, i)
		if _, err := s.cfg.Deliveries.DescribeDeliveryStream(fhCaller(ch), name); err == nil {
			continue
		}
		d, err := destination(ch, i)
		if err == nil {
			_, err = s.cfg.Deliveries.CreateDeliveryStream(ctx, fhCaller(ch), firehose.CreateParams{
				Name: name, Type: firehose.TypeKinesisSource,
				Source: &firehose.KinesisSource{StreamARN: ch.Streams[i].ARN, RoleARN: ch.RoleARN},
				S3:     &d, Owner: Owner(ch.ID),
			})
		}
		if err != nil {
			s.log.Error("creating a channel's missing delivery stream", "channel", ch.Name, "delivery_stream", name, "err", err)
			continue
		}
		s.log.Warn("created a channel's missing delivery stream again", "channel", ch.Name, "delivery_stream", name)
	}
}

// dropDeliveries deletes the channel's delivery streams (those already
// gone are skipped).
func (s *Service) dropDeliveries(ctx context.Context, ch *Channel) {
	for i := range ch.Streams {
		name := DeliveryStreamName(ch.ID, i)
		ds, err := s.cfg.Deliveries.DescribeDeliveryStream(fhCaller(ch), name)
		if err != nil || ds.Status == firehose.StatusDeleting {
			continue
		}
		if err := s.cfg.Deliveries.DeleteDeliveryStream(ctx, fhCaller(ch), name); err != nil {
			s.log.Error("deleting a channel's delivery stream", "channel", ch.Name, "delivery_stream", name, "err", err)
		}
	}
}

// updateDeliveries applies a channel's freshness and logging to its
// delivery streams.
func (s *Service) updateDeliveries(ctx context.Context, ch *Channel) error {
	for i := range ch.Streams {
		name := DeliveryStreamName(ch.ID, i)
		ds, err := s.cfg.Deliveries.DescribeDeliveryStream(fhCaller(ch), name)
		if err != nil {
			return deliveryErr(err)
		}
		err = s.cfg.Deliveries.UpdateDestination(ctx, fhCaller(ch), name, strconv.FormatInt(ds.Version, 10), firehose.DestinationID,
			func(d *firehose.Destinations) error {
				d.S3.IntervalInSeconds = ch.S3.FreshnessSeconds
				d.S3.Logging = firehose.Logging(ch.Logging)
				return nil
			})
		if err != nil {
			return deliveryErr(err)
		}
	}
	return nil
}

// engineKinds carries the engine's refusals as the channel's own kinds.
var engineKinds = map[firehose.Kind]Kind{
	firehose.KindInvalidArgument: KindInvalidArgument,
	firehose.KindLimitExceeded:   KindLimitExceeded,
	firehose.KindInUse:           KindInUse,
	firehose.KindNotFound:        KindNotFound,
}

// deliveryErr carries an engine refusal as the channel's own error.
func deliveryErr(err error) error {
	var e *firehose.Error
	if errors.As(err, &e) {
		if k, ok := engineKinds[e.Kind]; ok {
			return newErr(k, "%s", e.Msg)
		}
	}
	return err
}
