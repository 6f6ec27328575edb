package firehose

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// CreateParams are CreateDeliveryStream's settings.
type CreateParams struct {
	Name   string
	Type   string // "" is DirectPut
	Source *KinesisSource
	// S3 is the S3 or Extended S3 destination; Dest the others (Dest.Kind
	// set, Dest.S3 their S3Configuration). Exactly one is given.
	S3   *S3Destination
	Dest *Destinations
	// Unsupported names a destination configuration Sluice does not deliver
	// to (HttpEndpointDestinationConfiguration, ...), to refuse it.
	Unsupported []string
	Tags        []Tag
	Encryption  *Encryption
	// Owner, when set, names the resource that owns the delivery stream
	// (a Data Streams channel: "channel/<id>"): it is left out of
	// ListDeliveryStreams and of the delivery stream quota. Owned delivery
	// streams are named by their owner with a ':' no API name can hold.
	Owner string
}

// CreateDeliveryStream creates a delivery stream, CREATING until the create
// delay has passed.
func (s *Service) CreateDeliveryStream(ctx context.Context, c Caller, p CreateParams) (string, error) {
	if p.Type == "" {
		p.Type = TypeDirectPut
	}
	switch {
	case len(p.Unsupported) > 0:
		return "", errInvalid("Sluice does not support %s.", p.Unsupported[0])
	case p.S3 == nil && p.Dest == nil:
		return "", errInvalid("Exactly one destination configuration must be specified.")
	case p.Type == TypeKinesisSource && p.Source == nil:
		return "", errInvalid("KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource.")
	case p.Type != TypeKinesisSource && p.Source != nil:
		return "", errInvalid("KinesisStreamSourceConfiguration is only allowed when DeliveryStreamType is KinesisStreamAsSource.")
	case p.Type == TypeKinesisSource && s.cfg.Source == nil:
		return "", errInvalid("KinesisStreamAsSource is not available on this server.")
	case p.Type != TypeDirectPut && p.Type != TypeKinesisSource:
		return "", errInvalid("Sluice supports the DirectPut and KinesisStreamAsSource delivery stream types; %s is not supported.", p.Type)
	case p.Type == TypeKinesisSource && p.Encryption != nil:
		return "", errInvalid("Server-side encryption is not supported for KinesisStreamAsSource delivery streams; the source stream's encryption applies.")
	}
	var dests Destinations
	switch {
	case p.S3 != nil && p.Dest != nil:
		return "", errInvalid("Exactly one destination configuration must be specified.")
	case p.S3 != nil:
		dests = Destinations{Kind: KindS3, S3: *p.S3}
	default:
		dests = *p.Dest
	}
	dests, err := s.normalizeDestinations(dests, nil)
	if err != nil {
		return "", err
	}
	if len(p.Tags) > MaxTags {
		return "", newErr(KindLimitExceeded, "A delivery stream cannot have more than %d tags.", MaxTags)
	}
	if p.Source != nil {
		if err := s.cfg.Source.Check(c, p.Source.StreamARN); err != nil {
			return "", err
		}
	}
	now := s.now()
	ds := &DeliveryStream{
		ID: newID(), Name: p.Name, Account: c.Account, Region: c.Region, Type: p.Type,
		Status: StatusCreating, Version: 1, Created: now, Updated: now,
		Tags: sortTags(mergeTags(nil, p.Tags)), Encryption: Encryption{Status: EncryptionDisabled}, Destinations: dests, Owner: p.Owner,
	}
	if p.Encryption != nil {
		enc, err := s.askedEncryption(ctx, c, p.Encryption)
		if err != nil {
			return "", err
		}
		ds.Encryption = enc
	}
	if p.Source != nil {
		src := *p.Source
		src.Started = now
		ds.Source = &src
	}
	if s.cfg.CreateDelay <= 0 {
		ds.Status = StatusActive
	}
	if err := s.create(ctx, c, ds); err != nil {
		return "", err
	}
	if ds.Status == StatusActive && ds.Encryption.Status == EncryptionEnabling {
		s.settleLater(ds)
	}
	return ds.ARN(), nil
}

// create persists a new delivery stream and starts it.
func (s *Service) create(ctx context.Context, c Caller, ds *DeliveryStream) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := streamKey{c.Account, c.Region, ds.Name}
	if s.streams[key] != nil {
		return errExists(ds.Name, c.Account)
	}
	n := 0
	for k, l := range s.streams {
		if k.account == c.Account && k.region == c.Region && l.snapshot().Owner == "" {
			n++
		}
	}
	if n >= s.cfg.StreamLimit {
		return newErr(KindLimitExceeded, "You have already consumed your firehose quota of %d hoses.", s.cfg.StreamLimit)
	}
	if s.cfg.Place != nil {
		if err := s.cfg.Place(ctx, ds.ID); err != nil {
			return fmt.Errorf("firehose: placing the new delivery stream %s: %w", ds.Name, err)
		}
	}
	if err := s.persist(ctx, ds); err != nil {
		return err
	}
	lg, err := s.recs.Open(ctx, LogPrefix+ds.ID)
	if err != nil {
		return err
	}
	l := s.newLive(ds, lg)
	s.streams[key] = l
	s.start(l)
	if ds.Status == StatusCreating {
		s.schedule(ds, s.cfg.CreateDelay)
	}
	return nil
}

// normalizeDestination fills a destination's defaults and checks what the
// shapes cannot: prefixes, the time zone, the error prefix rule,
// processors and backup.
func normalizeDestination(d S3Destination) (S3Destination, error) {
	if d.SizeInMBs == 0 {
		d.SizeInMBs = DefaultSizeInMBs
	}
	if d.IntervalInSeconds < 0 {
		d.IntervalInSeconds = DefaultIntervalInSeconds
	}
	if d.Compression == "" {
		d.Compression = Uncompressed
	}
	if d.S3BackupMode == "" && d.Extended {
		d.S3BackupMode = "Disabled"
	}
	if _, err := compilePrefix(d.Prefix, false); err != nil {
		return d, err
	}
	if _, err := compilePrefix(d.ErrorOutputPrefix, true); err != nil {
		return d, err
	}
	if hasExpression(d.Prefix) && d.ErrorOutputPrefix == "" {
		return d, errInvalid("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.")
	}
	if d.CustomTimeZone != "" {
		if _, err := time.LoadLocation(d.CustomTimeZone); err != nil {
			return d, errInvalid("CustomTimeZone %s is not a valid time zone.", d.CustomTimeZone)
		}
	}
	if d.S3BackupMode == "Enabled" && d.Backup == nil {
		return d, errInvalid("S3BackupConfiguration is required when S3BackupMode is Enabled.")
	}
	if d.Backup != nil {
		if err := checkBackup(d.Backup); err != nil {
			return d, err
		}
	}
	return d, nil
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// DeleteDeliveryStream moves a delivery stream to DELETING; it is gone
// after the delete delay.
func (s *Service) DeleteDeliveryStream(ctx context.Context, c Caller, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.streams[streamKey{c.Account, c.Region, name}]
	if l == nil {
		return errNotFound(name, c.Account)
	}
	if l.remote {
		return errElsewhere(l.snapshot().ID, name)
	}
	ds := *l.snapshot()
	if ds.Status == StatusDeleting {
		return nil
	}
	for _, id := range []string{ds.ID, encryptionTimer(ds.ID)} {
		if t := s.timers[id]; t != nil {
			t.Stop()
			delete(s.timers, id)
		}
	}
	ds.Status = StatusDeleting
	if err := s.persist(ctx, &ds); err != nil {
		return err
	}
	l.mu.Lock()
	l.meta = &ds
	l.mu.Unlock()
	s.schedule(&ds, s.cfg.DeleteDelay)
	return nil
}

// DescribeDeliveryStream returns a delivery stream's state.
func (s *Service) DescribeDeliveryStream(c Caller, name string) (*DeliveryStream, error) {
	l, err := s.get(c, name)
	if err != nil {
		return nil, err
	}
	return l.snapshot(), nil
}

// ListDeliveryStreams lists names in order after exclusiveStart, at most
// limit, of the given type ("" for all), and whether more follow.
func (s *Service) ListDeliveryStreams(c Caller, typ, exclusiveStart string, limit int) ([]string, bool) {
	s.mu.RLock()
	var names []string
	for k, l := range s.streams {
		if k.account != c.Account || k.region != c.Region {
			continue
		}
		if ds := l.snapshot(); ds.Owner != "" || (typ != "" && ds.Type != typ) {
			continue
		}
		if exclusiveStart != "" && k.name <= exclusiveStart {
			continue
		}
		names = append(names, k.name)
	}
	s.mu.RUnlock()
	sort.Strings(names)
	if limit <= 0 {
		limit = 10
	}
	if len(names) > limit {
		return names[:limit], true
	}
	return names, false
}

// TagDeliveryStream adds or overwrites tags.
func (s *Service) TagDeliveryStream(ctx context.Context, c Caller, name string, tags []Tag) error {
	_, err := s.update(ctx, c, name, func(ds *DeliveryStream) error {
		merged := mergeTags(ds.Tags, tags)
		if len(merged) > MaxTags {
			return newErr(KindLimitExceeded, "A delivery stream cannot have more than %d tags.", MaxTags)
		}
		ds.Tags = sortTags(merged)
		return nil
	})
	return err
}

// UntagDeliveryStream removes tags by key.
func (s *Service) UntagDeliveryStream(ctx context.Context, c Caller, name string, keys []string) error {
	_, err := s.update(ctx, c, name, func(ds *DeliveryStream) error {
		ds.Tags = slices.DeleteFunc(ds.Tags, func(t Tag) bool { return slices.Contains(keys, t.Key) })
		return nil
	})
	return err
}

// ListTags returns tags after exclusiveStart, at most limit, and whether
// more follow.
func (s *Service) ListTags(c Caller, name, exclusiveStart string, limit int) ([]Tag, bool, error) {
	l, err := s.get(c, name)
	if err != nil {
		return nil, false, err
	}
	var out []Tag
	for _, t := range l.snapshot().Tags {
		if exclusiveStart == "" || t.Key > exclusiveStart {
			out = append(out, t)
		}
	}
	if limit <= 0 {
		limit = 50
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

func mergeTags(have, add []Tag) []Tag {
	out := append([]Tag(nil), have...)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(o Tag) bool { return o.Key == t.Key }); i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	return out
}

func sortTags(t []Tag) []Tag {
	slices.SortFunc(t, func(a, b Tag) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return t
}

// UpdateDestination changes the destination: apply edits a copy of the
// delivery stream's destinations (the wire layer merges members of the
// same destination type and replaces a different one, as AWS does), the
// result is checked as at creation, and VersionId goes up. currentVersion
// must be the current VersionId.
func (s *Service) UpdateDestination(ctx context.Context, c Caller, name, currentVersion, destinationID string, apply func(*Destinations) error) error {
	_, err := s.update(ctx, c, name, func(ds *DeliveryStream) error {
		if strconv.FormatInt(ds.Version, 10) != currentVersion {
			return newErr(KindConcurrentModification, "Cannot update firehose: %s since the current version id: %d and specified version id: %s do not match", ds.Name, ds.Version, currentVersion)
		}
		if destinationID != DestinationID {
			return errInvalid("Destination Id %s not found.", destinationID)
		}
		if ds.Status != StatusActive {
			return errNotActive(ds.Name, ds.Account, ds.Status)
		}
		d := ds.Destinations.clone()
		d.Kind = d.kind()
		if err := apply(&d); err != nil {
			return err
		}
		d, err := s.normalizeDestinations(d, &ds.Destinations)
		if err != nil {
			return err
		}
		ds.Destinations = d
		ds.Version++
		ds.Updated = s.now()
		return nil
	})
	return err
}
