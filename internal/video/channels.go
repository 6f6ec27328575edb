package video

import (
	"context"
	"slices"
	"strings"

	"sluice/internal/storage"
)

// CreateChannelParams are CreateSignalingChannel's settings.
type CreateChannelParams struct {
	Name       string
	Type       string // "" is SINGLE_MASTER
	MessageTTL int64  // 0 is 60 seconds
	Tags       map[string]string
}

// CreateChannel creates a signaling channel, CREATING until the create
// delay has passed.
func (s *Service) CreateChannel(ctx context.Context, c Caller, p CreateChannelParams) (*Channel, error) {
	if p.Type == "" {
		p.Type = ChannelSingleMaster
	}
	if p.Type != ChannelSingleMaster {
		return nil, errInvalid("The channel type %s is not supported: SINGLE_MASTER is the only channel type.", p.Type)
	}
	if p.MessageTTL == 0 {
		p.MessageTTL = DefaultMessageTTL
	}
	if err := checkTags(p.Tags); err != nil {
		return nil, err
	}
	if len(p.Tags) > MaxTags {
		return nil, errTagsLimit()
	}
	ch := &Channel{
		ID: newID(), Name: p.Name, Account: c.Account, Region: c.Region, Created: s.now(), Type: p.Type,
		MessageTTL: p.MessageTTL, Version: newVersion(), Status: StatusCreating, Tags: nonEmpty(p.Tags), MediaStorageStatus: "DISABLED",
	}
	if s.cfg.CreateDelay <= 0 {
		ch.Status = StatusActive
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{c.Account, c.Region, p.Name}
	if s.channels[k] != nil {
		return nil, newErr(KindInUse, "The signaling channel %s already exists.", p.Name)
	}
	n := 0
	for k := range s.channels {
		if k.account == c.Account && k.region == c.Region {
			n++
		}
	}
	if n >= s.cfg.ChannelLimit {
		return nil, newErr(KindAccountChannelLimit, "The number of signaling channels created for the account is too high (the limit is %d).", s.cfg.ChannelLimit)
	}
	if err := s.persistChannel(ctx, ch); err != nil {
		return nil, err
	}
	s.channels[k] = ch
	if ch.Status != StatusActive {
		s.scheduleChannel(ch)
	}
	return ch.clone(), nil
}

// findChannel returns the channel ref names. Called with s.mu held.
func (s *Service) findChannel(c Caller, ref Ref) (*Channel, error) {
	if ref.Name == "" && ref.ARN == "" {
		return nil, errInvalid("Either the ChannelName or the ChannelARN must be specified.")
	}
	if ref.ARN != "" {
		name, ok := nameFromARN(ref.ARN, "channel")
		if !ok {
			return nil, errChannelNotFound
		}
		if ref.Name != "" && ref.Name != name {
			return nil, errInvalid("The ChannelName %s and the ChannelARN %s do not name the same channel.", ref.Name, ref.ARN)
		}
		ch := s.channels[key{c.Account, c.Region, name}]
		if ch == nil || ch.ARN() != ref.ARN {
			return nil, errChannelNotFound
		}
		return ch, nil
	}
	ch := s.channels[key{c.Account, c.Region, ref.Name}]
	if ch == nil {
		return nil, errChannelNotFound
	}
	return ch, nil
}

// Channel returns a copy of the channel ref names, in any state.
func (s *Service) Channel(c Caller, ref Ref) (*Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.findChannel(c, ref)
	if err != nil {
		return nil, err
	}
	return ch.clone(), nil
}

// ListChannels returns the caller's channels in name order, a page at a
// time (see ListStreams).
func (s *Service) ListChannels(c Caller, p ListStreamsParams) ([]*Channel, string, error) {
	after, err := decodeToken(p.NextToken)
	if err != nil {
		return nil, "", err
	}
	if p.MaxResults <= 0 {
		p.MaxResults = 10000
	}
	s.mu.Lock()
	var all []*Channel
	for k, ch := range s.channels {
		if k.account == c.Account && k.region == c.Region && strings.HasPrefix(k.name, p.Prefix) && k.name > after {
			all = append(all, ch.clone())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b *Channel) int { return strings.Compare(a.Name, b.Name) })
	next := ""
	if len(all) > p.MaxResults {
		all = all[:p.MaxResults]
		next = encodeToken(all[len(all)-1].Name)
	}
	return all, next, nil
}

// UpdateChannel changes a channel's MessageTtlSeconds (0 leaves it) and
// gives it a new version; it is UPDATING for the update delay.
func (s *Service) UpdateChannel(ctx context.Context, c Caller, arn, currentVersion string, messageTTL int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.findChannel(c, Ref{ARN: arn})
	if err != nil {
		return err
	}
	if err := checkVersion(currentVersion, cur.Version, "signaling channel"); err != nil {
		return err
	}
	if cur.Status != StatusActive {
		return errNotActive("signaling channel", cur.Name, cur.Status)
	}
	ch := cur.clone()
	if messageTTL != 0 {
		ch.MessageTTL = messageTTL
	}
	ch.Version = newVersion()
	if s.cfg.UpdateDelay > 0 {
		ch.Status = StatusUpdating
	}
	if err := s.persistChannel(ctx, ch); err != nil {
		return err
	}
	s.channels[key{ch.Account, ch.Region, ch.Name}] = ch
	if ch.Status != StatusActive {
		s.scheduleChannel(ch)
	}
	return nil
}

// DeleteChannel deletes a channel: DELETING for the delete delay, then
// gone. CurrentVersion is optional.
func (s *Service) DeleteChannel(ctx context.Context, c Caller, arn, currentVersion string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.findChannel(c, Ref{ARN: arn})
	if err != nil {
		return err
	}
	if err := checkVersion(currentVersion, cur.Version, "signaling channel"); err != nil {
		return err
	}
	if cur.Status == StatusDeleting {
		return errNotActive("signaling channel", cur.Name, cur.Status)
	}
	k := key{cur.Account, cur.Region, cur.Name}
	if s.cfg.DeleteDelay <= 0 {
		if err := s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Delete(channelKey(cur)) }); err != nil {
			return err
		}
		delete(s.channels, k)
		return nil
	}
	ch := cur.clone()
	ch.Status = StatusDeleting
	if err := s.persistChannel(ctx, ch); err != nil {
		return err
	}
	s.channels[k] = ch
	s.scheduleChannel(ch)
	return nil
}

// updateChannelAny applies fn to a copy of a channel in any state but
// DELETING, without a version change.
func (s *Service) updateChannelAny(ctx context.Context, c Caller, ref Ref, fn func(ch *Channel) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.findChannel(c, ref)
	if err != nil {
		return err
	}
	if cur.Status == StatusDeleting {
		return errChannelNotFound
	}
	ch := cur.clone()
	if err := fn(ch); err != nil {
		return err
	}
	if err := s.persistChannel(ctx, ch); err != nil {
		return err
	}
	s.channels[key{ch.Account, ch.Region, ch.Name}] = ch
	return nil
}

// ChannelEndpoint is GetSignalingChannelEndpoint's check: the channel must
// be ACTIVE. The endpoints themselves are Sluice's own URL (see
// DataEndpoint); the WebRTC signaling behind them comes in a later issue.
func (s *Service) ChannelEndpoint(c Caller, arn string) (string, error) {
	ch, err := s.Channel(c, Ref{ARN: arn})
	if err != nil {
		return "", err
	}
	if ch.Status != StatusActive {
		return "", errNotActive("signaling channel", ch.Name, ch.Status)
	}
	return s.cfg.PublicURL, nil
}

// UpdateMediaStorage is UpdateMediaStorageConfiguration: ENABLED maps the
// channel to a stream (which must exist, keep its data, and not be mapped
// to another channel); DISABLED unmaps it.
func (s *Service) UpdateMediaStorage(ctx context.Context, c Caller, channelARN, status, streamARN string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.findChannel(c, Ref{ARN: channelARN})
	if err != nil {
		return err
	}
	if cur.Status != StatusActive {
		return errNotActive("signaling channel", cur.Name, cur.Status)
	}
	ch := cur.clone()
	if status == ConfigurationEnabled {
		if streamARN == "" {
			return errInvalid("MediaStorageConfiguration with Status ENABLED needs a StreamARN.")
		}
		st, err := s.findStream(c, Ref{ARN: streamARN})
		if err != nil {
			return err
		}
		if st.Status != StatusActive {
			return errNotActive("stream", st.Name, st.Status)
		}
		if st.RetentionHours == 0 {
			return newErr(KindNoDataRetention, "The stream %s keeps no data (DataRetentionInHours is 0): a channel cannot record to it.", st.Name)
		}
		for _, other := range s.channels {
			if other.ID != ch.ID && other.MediaStorageStream == streamARN {
				return newErr(KindInUse, "The stream %s is already mapped to the signaling channel %s.", st.Name, other.Name)
			}
		}
		ch.MediaStorageStatus, ch.MediaStorageStream = ConfigurationEnabled, streamARN
	} else {
		ch.MediaStorageStatus, ch.MediaStorageStream = "DISABLED", ""
	}
	if err := s.persistChannel(ctx, ch); err != nil {
		return err
	}
	s.channels[key{ch.Account, ch.Region, ch.Name}] = ch
	return nil
}
