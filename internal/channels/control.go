package channels

import (
	"context"
	"crypto/rand"
	"sort"
	"strings"
	"time"

	"sluice/internal/storage"
)

// CreateParams are CreateChannel's settings.
type CreateParams struct {
	Name    string
	RoleARN string
	Streams []StreamParams
	// S3 is S3DestinationConfiguration; S3Tables reports that
	// S3TablesDestinationConfiguration was given.
	S3         *S3Params
	S3Tables   bool
	Encryption *Encryption
	Logging    *Logging
	Tags       map[string]string
}

// StreamParams is one ChannelStreamConfiguration.
type StreamParams struct {
	ARN          string
	Format       string
	GSRSchemaARN string
}

// S3Params is S3DestinationConfiguration.
type S3Params struct {
	BucketARN           string
	ExpectedBucketOwner string
	Compression         string
	OutputKeyTemplate   string
	StorageClass        string
	// FreshnessSeconds is nil for the default (300).
	FreshnessSeconds *int64
	DeadLetter       *DeadLetter
}

// checkFreshness checks DataFreshnessInSeconds against AWS's range.
func checkFreshness(v int64) error {
	if v < MinFreshnessSeconds || v > MaxFreshnessSeconds {
		return errInvalid("DataFreshnessInSeconds must be between %d and %d seconds; %d was given.", MinFreshnessSeconds, MaxFreshnessSeconds, v)
	}
	return nil
}

// check checks what the shapes cannot: one destination, and only what
// Sluice delivers.
func (p *CreateParams) check() error {
	switch {
	case p.S3 != nil && p.S3Tables:
		return errInvalid("Specify either S3DestinationConfiguration or S3TablesDestinationConfiguration, not both.")
	case p.S3Tables:
		return errInvalid("Sluice does not deliver to streaming tables: it has no Amazon S3 Tables (Apache Iceberg table buckets). Use S3DestinationConfiguration to deliver the stream to a general purpose bucket.")
	case p.S3 == nil:
		return errInvalid("Specify either S3DestinationConfiguration or S3TablesDestinationConfiguration.")
	case len(p.Streams) != StreamsPerChannel:
		return errInvalid("A channel reads exactly one stream; StreamConfigurationList has %d entries.", len(p.Streams))
	}
	for _, sp := range p.Streams {
		switch sp.Format {
		case FormatGSRJSON:
			return errInvalid("The GSR_JSON record format is supported only for delivery to streaming tables, not to general purpose Amazon S3 buckets.")
		case FormatJSON, FormatString:
			// AWS checks each record (JSON: a JSON value; STRING: UTF-8)
			// and sends those that fail to the dead-letter queue; Sluice's
			// delivery engine cannot do that yet, and delivering them
			// unchecked would ignore the setting.
			return errInvalid("Sluice does not check %s records yet (records that fail the check go to the dead-letter queue). Use RecordFormatType BYTE_ARRAY to deliver the records as they are.", sp.Format)
		}
		if sp.GSRSchemaARN != "" {
			return errInvalid("GSRSchemaARN is used only by streaming table destinations; remove it for delivery to a general purpose Amazon S3 bucket.")
		}
	}
	if f := p.S3.FreshnessSeconds; f != nil {
		if err := checkFreshness(*f); err != nil {
			return err
		}
	}
	if e := p.Encryption; e != nil {
		if k := strings.ToLower(e.KeyID); k == "alias/aws/kinesis" || strings.HasSuffix(k, ":alias/aws/kinesis") {
			return errInvalid("The AWS managed key (alias/aws/kinesis) cannot be used for destination encryption; use a customer managed AWS KMS key.")
		}
	}
	return nil
}

// Create creates a channel, CREATING until the create delay has passed,
// with one delivery stream per source stream that reads it and delivers
// to the bucket.
func (s *Service) Create(ctx context.Context, c Caller, p CreateParams) (*Channel, error) {
	if err := s.admit(c, "CreateChannel"); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	now := s.now()
	ch := &Channel{
		ID: newID(), Name: p.Name, Account: c.Account, Region: c.Region, Status: StatusCreating,
		StatusUntil: now.Add(s.cfg.CreateDelay), Created: now, RoleARN: p.RoleARN, Tags: p.Tags,
		Encryption: p.Encryption,
	}
	for _, sp := range p.Streams {
		st, err := s.cfg.Streams.Stream(c, sp.ARN, "CreateChannel")
		if err != nil {
			return nil, err
		}
		switch {
		case !st.OnDemand:
			return nil, errInvalid("CreateChannel is not supported for stream %s under account %s because it is in PROVISIONED capacity mode; channels read on-demand streams.", st.Name, c.Account)
		case st.Deleting:
			return nil, newErr(KindInUse, "Stream %s under account %s not ACTIVE, instead in state DELETING", st.Name, c.Account)
		}
		ch.Streams = append(ch.Streams, StreamConfig{ARN: st.ARN, Name: st.Name, Created: st.Created, Format: sp.Format, GSRSchemaARN: sp.GSRSchemaARN})
	}
	sp := p.S3
	ch.S3 = S3Config{
		BucketARN: sp.BucketARN, ExpectedBucketOwner: sp.ExpectedBucketOwner, Compression: sp.Compression,
		OutputKeyTemplate: sp.OutputKeyTemplate, StorageClass: sp.StorageClass, FreshnessSeconds: DefaultFreshnessSeconds,
		DeadLetter: DeadLetter{BucketARN: sp.BucketARN, ExpectedBucketOwner: sp.ExpectedBucketOwner, ErrorOutputPrefix: defaultErrorPrefix(p.Name, ch.ID)},
	}
	if sp.FreshnessSeconds != nil {
		ch.S3.FreshnessSeconds = *sp.FreshnessSeconds
	}
	if dl := sp.DeadLetter; dl != nil {
		ch.S3.DeadLetter = *dl
		if dl.ErrorOutputPrefix == "" {
			ch.S3.DeadLetter.ErrorOutputPrefix = defaultErrorPrefix(p.Name, ch.ID)
		}
	}
	if p.Logging != nil {
		ch.Logging = *p.Logging
	}
	ch.Logging = ch.logging(ch.Logging)
	// The key template is checked now, with the channel's own values.
	for i := range ch.Streams {
		if _, err := destination(ch, i); err != nil {
			return nil, err
		}
	}
	if s.cfg.CreateDelay <= 0 {
		ch.Status, ch.StatusUntil = StatusActive, time.Time{}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	key := chanKey{c.Account, c.Region, p.Name}
	if s.channels[key] != nil {
		return nil, errExists(p.Name, c.Account)
	}
	for _, src := range ch.Streams {
		if n := len(s.forStream(c, src.ARN, &src.Created)); n >= S3ChannelsPerStream {
			return nil, newErr(KindLimitExceeded, "Stream %s under account %s already has %d channel delivering to a general purpose Amazon S3 bucket, the most a stream can have.", src.Name, c.Account, n)
		}
	}
	// The channel is written first: a crash before its delivery streams
	// exist is mended at the next start (ensureDeliveries).
	if err := s.persist(ctx, ch); err != nil {
		return nil, err
	}
	if err := s.createDeliveries(ctx, ch); err != nil {
		if derr := s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Delete(metaKey(ch)) }); derr != nil {
			s.log.Error("removing a channel whose delivery could not be created", "name", ch.Name, "err", derr)
		}
		return nil, err
	}
	s.channels[key] = ch
	if ch.Status == StatusCreating {
		s.schedule(ch, s.cfg.CreateDelay)
	}
	return ch.clone(), nil
}

// logging fills a logging configuration's defaults: the log group
// /aws/kinesis/<name>/<id> and the log stream DestinationDelivery when
// logging is on and they are not given.
func (ch *Channel) logging(l Logging) Logging {
	if !l.Enabled {
		return l
	}
	if l.LogGroupName == "" {
		l.LogGroupName = defaultLogGroup(ch.Name, ch.ID)
	}
	if l.LogStreamName == "" {
		l.LogStreamName = DefaultLogStream
	}
	return l
}

// newID returns a channel ID: 16 lowercase letters and digits, as AWS's
// look.
func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [16]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// lookup resolves a channel ARN for the caller. Called with s.mu held.
func (s *Service) lookup(c Caller, arn string) (*Channel, error) {
	region, account, name, ok := ParseARN(arn)
	if !ok {
		return nil, errNotFound(arn, c.Account)
	}
	if account != c.Account || region != c.Region {
		return nil, errNotFound(name, c.Account)
	}
	ch := s.channels[chanKey{account, region, name}]
	if ch == nil {
		return nil, errNotFound(name, c.Account)
	}
	return ch, nil
}

// Describe returns a channel.
func (s *Service) Describe(c Caller, arn string) (*Channel, error) {
	if err := s.admit(c, "DescribeChannel"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.lookup(c, arn)
	if err != nil {
		return nil, err
	}
	return ch.clone(), nil
}

// StreamFilter is one ListChannels stream filter: a stream ARN and,
// optionally, its creation time.
type StreamFilter struct {
	ARN     string
	Created *time.Time
}

func (f StreamFilter) matches(sc StreamConfig) bool {
	return f.ARN == sc.ARN && (f.Created == nil || f.Created.Equal(sc.Created))
}

// List returns the caller's channels by name, those reading one of the
// filters' streams when filters are given, at most max (1 to 100; 0 is
// 100) after nextToken, and the token of the next page.
func (s *Service) List(c Caller, filters []StreamFilter, nextToken string, max int) ([]*Channel, string, error) {
	if err := s.admit(c, "ListChannels"); err != nil {
		return nil, "", err
	}
	digest := filterDigest(filters)
	after := ""
	if nextToken != "" {
		tok, err := s.openToken(nextToken, c, digest)
		if err != nil {
			return nil, "", err
		}
		after = tok
	}
	if max <= 0 || max > MaxListResults {
		max = MaxListResults
	}
	s.mu.Lock()
	var all []*Channel
	for k, ch := range s.channels {
		if k.account != c.Account || k.region != c.Region || k.name <= after && after != "" {
			continue
		}
		if len(filters) > 0 && !anyMatch(filters, ch) {
			continue
		}
		all = append(all, ch.clone())
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	if len(all) > max {
		return all[:max], s.sealToken(c, digest, all[max-1].Name), nil
	}
	return all, "", nil
}

func anyMatch(filters []StreamFilter, ch *Channel) bool {
	for _, f := range filters {
		for _, sc := range ch.Streams {
			if f.matches(sc) {
				return true
			}
		}
	}
	return false
}

// UpdateParams are UpdateChannel's settings.
type UpdateParams struct {
	// FreshnessSeconds is S3DestinationConfiguration's
	// DataFreshnessInSeconds; S3Tables reports that
	// S3TablesDestinationConfiguration was given.
	FreshnessSeconds *int64
	S3Tables         bool
	Logging          *Logging
	// LogGroupGiven and LogStreamGiven report which of Logging's names were given (the
	// others keep their current or default values).
	LogGroupGiven, LogStreamGiven bool
}

// Update changes a channel's data freshness or logging: it is UPDATING
// for the update delay, its delivery streams take the change at once.
func (s *Service) Update(ctx context.Context, c Caller, arn string, p UpdateParams) (*Channel, error) {
	if err := s.admit(c, "UpdateChannel"); err != nil {
		return nil, err
	}
	switch {
	case p.S3Tables:
		return nil, errInvalid("S3TablesDestinationConfiguration applies to channels that deliver to streaming tables; this channel delivers to a general purpose Amazon S3 bucket.")
	case p.FreshnessSeconds == nil && p.Logging == nil:
		return nil, errInvalid("Specify S3DestinationConfiguration or LoggingConfiguration to update.")
	}
	if p.FreshnessSeconds != nil {
		if err := checkFreshness(*p.FreshnessSeconds); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.lookup(c, arn)
	if err != nil {
		return nil, err
	}
	if cur.Status != StatusActive {
		return nil, errNotActive(cur.Name, c.Account, cur.Status)
	}
	ch := cur.clone()
	if p.FreshnessSeconds != nil {
		ch.S3.FreshnessSeconds = *p.FreshnessSeconds
	}
	if l := p.Logging; l != nil {
		next := Logging{Enabled: l.Enabled, LogGroupName: ch.Logging.LogGroupName, LogStreamName: ch.Logging.LogStreamName}
		if p.LogGroupGiven {
			next.LogGroupName = l.LogGroupName
		}
		if p.LogStreamGiven {
			next.LogStreamName = l.LogStreamName
		}
		ch.Logging = ch.logging(next)
	}
	if err := s.updateDeliveries(ctx, ch); err != nil {
		return nil, err
	}
	ch.Status, ch.StatusUntil = StatusUpdating, s.now().Add(s.cfg.UpdateDelay)
	if s.cfg.UpdateDelay <= 0 {
		ch.Status, ch.StatusUntil = StatusActive, time.Time{}
	}
	if err := s.persist(ctx, ch); err != nil {
		return nil, err
	}
	s.channels[chanKey{ch.Account, ch.Region, ch.Name}] = ch
	if ch.Status == StatusUpdating {
		s.schedule(ch, s.cfg.UpdateDelay)
	}
	out := ch.clone()
	out.Status = StatusUpdating // the answer is UPDATING, however short the delay
	return out, nil
}

// Delete stops a channel's delivery: its delivery streams are deleted
// (objects already delivered stay) and it is DELETING for the delete
// delay. Deleting a DELETING channel changes nothing.
func (s *Service) Delete(ctx context.Context, c Caller, arn string) error {
	if err := s.admit(c, "DeleteChannel"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.lookup(c, arn)
	if err != nil {
		return err
	}
	if cur.Status == StatusDeleting {
		return nil
	}
	ch := cur.clone()
	ch.Status, ch.StatusReason, ch.StatusUntil = StatusDeleting, "", s.now().Add(s.cfg.DeleteDelay)
	if err := s.persist(ctx, ch); err != nil {
		return err
	}
	s.channels[chanKey{ch.Account, ch.Region, ch.Name}] = ch
	s.dropDeliveries(ctx, ch)
	s.schedule(ch, s.cfg.DeleteDelay)
	return nil
}

// forStream returns the channels (not DELETING) reading a stream, the
// one created at created when it is given. Called with s.mu held.
func (s *Service) forStream(c Caller, streamARN string, created *time.Time) []*Channel {
	var out []*Channel
	for k, ch := range s.channels {
		if k.account != c.Account || k.region != c.Region || ch.Status == StatusDeleting {
			continue
		}
		for _, sc := range ch.Streams {
			if sc.ARN == streamARN && (created == nil || sc.Created.Equal(*created)) {
				out = append(out, ch)
				break
			}
		}
	}
	return out
}

// Count returns how many channels read the stream (DescribeStreamSummary's
// ChannelCount).
func (s *Service) Count(c Caller, streamARN string, created time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.forStream(c, streamARN, &created))
}

// CheckStreamDeletion refuses to let a stream that channels read be
// deleted ("A stream cannot be deleted while it has active channels").
func (s *Service) CheckStreamDeletion(c Caller, streamARN, streamName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	chs := s.forStream(c, streamARN, nil)
	if len(chs) == 0 {
		return nil
	}
	names := make([]string, len(chs))
	for i, ch := range chs {
		names[i] = ch.Name
	}
	sort.Strings(names)
	return newErr(KindInUse, "Stream %s under account %s has channels (%s); delete them before deleting the stream.", streamName, c.Account, strings.Join(names, ", "))
}
