package video

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"sluice/internal/kms"
)

// Ref names a stream or channel by name or by ARN (either may be empty,
// not both; when both are given they must name the same resource).
type Ref struct {
	Name string
	ARN  string
}

// CreateStreamParams are CreateStream's settings.
type CreateStreamParams struct {
	Name           string
	DeviceName     string
	MediaType      string
	KmsKeyID       string
	RetentionHours int64
	Tags           map[string]string
	StorageTier    string // "" is HOT
}

// CreateStream creates a stream, CREATING until the create delay has
// passed, and returns it.
func (s *Service) CreateStream(ctx context.Context, c Caller, p CreateStreamParams) (*Stream, error) {
	if err := s.admit(c, "CreateStream", Ref{}); err != nil {
		return nil, err
	}
	if p.RetentionHours < 0 || p.RetentionHours > MaxRetentionHours {
		return nil, errInvalid("DataRetentionInHours must be between 0 and %d hours.", MaxRetentionHours)
	}
	if err := checkTags(p.Tags); err != nil {
		return nil, err
	}
	if len(p.Tags) > MaxTags {
		return nil, errTagsLimit()
	}
	if p.KmsKeyID == "" {
		p.KmsKeyID = DefaultKmsKeyID(c)
	} else if err := s.checkKey(ctx, c, p.KmsKeyID); err != nil {
		return nil, err
	}
	if p.StorageTier == "" {
		p.StorageTier = StorageTierHot
	}
	st := &Stream{
		ID: newID(), Name: p.Name, Account: c.Account, Region: c.Region, Created: s.now(),
		DeviceName: p.DeviceName, MediaType: p.MediaType, KmsKeyID: p.KmsKeyID, RetentionHours: p.RetentionHours,
		Version: newVersion(), Status: StatusCreating, StorageTier: p.StorageTier, Tags: nonEmpty(p.Tags),
	}
	if s.cfg.CreateDelay <= 0 {
		st.Status = StatusActive
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{c.Account, c.Region, p.Name}
	if s.streams[k] != nil {
		return nil, newErr(KindInUse, "The stream %s already exists.", p.Name)
	}
	n := 0
	for k := range s.streams {
		if k.account == c.Account && k.region == c.Region {
			n++
		}
	}
	if n >= s.cfg.StreamLimit {
		return nil, newErr(KindAccountStreamLimit, "The number of streams created for the account is too high (the limit is %d).", s.cfg.StreamLimit)
	}
	if s.cfg.Place != nil {
		if err := s.cfg.Place(ctx, st.ID); err != nil {
			return nil, fmt.Errorf("video: placing the new stream %s: %w", st.Name, err)
		}
	}
	if err := s.persistStream(ctx, st); err != nil {
		return nil, err
	}
	s.streams[k] = st
	if st.Status != StatusActive {
		s.scheduleStream(st)
	}
	return st, nil
}

// checkKey verifies that CreateStream's KmsKeyId names a key that exists
// and is enabled: KMS's refusal is an InvalidArgumentException with KMS's
// words (Video Streams' control plane has no KMS errors of its own). The
// default key is the account's managed key, which always is.
func (s *Service) checkKey(ctx context.Context, c Caller, keyID string) error {
	if s.cfg.Keys == nil {
		return nil
	}
	info, err := s.cfg.Keys.Describe(ctx, kms.Scope{Account: c.Account, Region: c.Region}, keyID)
	if err == nil {
		err = info.Usable()
	}
	if err != nil {
		if code := kms.CodeOf(err); code == 0 || code == kms.Throttled || code == kms.Unavailable {
			return fmt.Errorf("video: checking KmsKeyId %s: %w", keyID, err)
		}
		return errInvalid("%s", kms.MessageOf(err))
	}
	return nil
}

// findStream returns the stream ref names, whatever its state. Called
// with s.mu held.
func (s *Service) findStream(c Caller, ref Ref) (*Stream, error) {
	if ref.Name == "" && ref.ARN == "" {
		return nil, errInvalid("Either the StreamName or the StreamARN must be specified.")
	}
	if ref.ARN != "" {
		name, ok := nameFromARN(ref.ARN, "stream")
		if !ok {
			return nil, errStreamNotFound
		}
		if ref.Name != "" && ref.Name != name {
			return nil, errInvalid("The StreamName %s and the StreamARN %s do not name the same stream.", ref.Name, ref.ARN)
		}
		st := s.streams[key{c.Account, c.Region, name}]
		if st == nil || st.ARN() != ref.ARN {
			return nil, errStreamNotFound
		}
		return st, nil
	}
	st := s.streams[key{c.Account, c.Region, ref.Name}]
	if st == nil {
		return nil, errStreamNotFound
	}
	return st, nil
}

// findOwned is findStream for a change: a stream another node owns is
// refused (placement.go) before anything is checked or changed. Called
// with s.mu held.
func (s *Service) findOwned(c Caller, ref Ref) (*Stream, error) {
	st, err := s.findStream(c, ref)
	if err == nil && st.Remote {
		return nil, errElsewhere(st.ID, st.Name)
	}
	return st, err
}

// nameFromARN returns the resource name of a kinesisvideo ARN of the kind
// ("stream" or "channel").
func nameFromARN(arn, kind string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "kinesisvideo" {
		return "", false
	}
	res := strings.Split(parts[5], "/")
	if len(res) != 3 || res[0] != kind {
		return "", false
	}
	return res[1], true
}

// Stream returns a copy of the stream ref names, in any state.
func (s *Service) Stream(c Caller, ref Ref) (*Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.findStream(c, ref)
	if err != nil {
		return nil, err
	}
	return st.clone(), nil
}

// DescribeStream is Stream.
func (s *Service) DescribeStream(c Caller, ref Ref) (*Stream, error) {
	if err := s.admit(c, "DescribeStream", ref); err != nil {
		return nil, err
	}
	return s.Stream(c, ref)
}

// ListStreamsParams are ListStreams' filters and paging.
type ListStreamsParams struct {
	// Prefix is StreamNameCondition's BEGINS_WITH value ("" lists all).
	Prefix     string
	MaxResults int
	NextToken  string
}

// ListStreams returns the caller's streams in name order, a page at a
// time, and the token of the next page ("" after the last).
func (s *Service) ListStreams(c Caller, p ListStreamsParams) ([]*Stream, string, error) {
	if err := s.admit(c, "ListStreams", Ref{}); err != nil {
		return nil, "", err
	}
	after, err := decodeToken(p.NextToken)
	if err != nil {
		return nil, "", err
	}
	if p.MaxResults <= 0 {
		p.MaxResults = 10000
	}
	s.mu.Lock()
	var all []*Stream
	for k, st := range s.streams {
		if k.account == c.Account && k.region == c.Region && strings.HasPrefix(k.name, p.Prefix) && k.name > after {
			all = append(all, st.clone())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b *Stream) int { return strings.Compare(a.Name, b.Name) })
	next := ""
	if len(all) > p.MaxResults {
		all = all[:p.MaxResults]
		next = encodeToken(all[len(all)-1].Name)
	}
	return all, next, nil
}

// Tokens are the base64 of the last name of the page (the pattern of
// NextToken is base64's alphabet).
func encodeToken(name string) string { return base64.StdEncoding.EncodeToString([]byte(name)) }

func decodeToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(b) == 0 {
		return "", errInvalid("The NextToken %s is not valid.", tok)
	}
	return string(b), nil
}

// checkVersion compares a CurrentVersion with the version ("" skips).
func checkVersion(current, version, kind string) error {
	if current != "" && current != version {
		return errVersion(kind)
	}
	return nil
}

// DeleteStream deletes a stream: DELETING for the delete delay, then gone
// with its fragments. CurrentVersion is optional.
func (s *Service) DeleteStream(ctx context.Context, c Caller, arn, currentVersion string) error {
	if err := s.admit(c, "DeleteStream", Ref{ARN: arn}); err != nil {
		return err
	}
	s.mu.Lock()
	st, err := s.findOwned(c, Ref{ARN: arn})
	if err == nil {
		err = checkVersion(currentVersion, st.Version, "stream")
	}
	if err == nil && st.Status == StatusDeleting {
		err = errNotActive("stream", st.Name, st.Status)
	}
	if err != nil {
		s.mu.Unlock()
		return err
	}
	k := key{st.Account, st.Region, st.Name}
	if s.cfg.DeleteDelay <= 0 {
		delete(s.streams, k)
		s.unmapStream(ctx, st.ARN())
		s.mu.Unlock()
		s.removeStream(ctx, st)
		return nil
	}
	next := st.clone()
	next.Status = StatusDeleting
	if err := s.persistStream(ctx, next); err != nil {
		s.mu.Unlock()
		return err
	}
	s.streams[k] = next
	s.unmapStream(ctx, st.ARN())
	s.scheduleStream(next)
	s.mu.Unlock()
	return nil
}

// unmapStream disables the media storage of channels that recorded to a
// deleted stream. Called with s.mu held.
func (s *Service) unmapStream(ctx context.Context, arn string) {
	for k, ch := range s.channels {
		if ch.MediaStorageStream != arn {
			continue
		}
		next := ch.clone()
		next.MediaStorageStatus, next.MediaStorageStream = "DISABLED", ""
		if err := s.persistChannel(ctx, next); err != nil {
			s.log.Error("unmapping a deleted stream from its channel", "channel", ch.Name, "err", err)
			continue
		}
		s.channels[k] = next
	}
}

// updateStream applies fn to a copy of an ACTIVE stream after checking
// currentVersion ("" skips the check), persists it and publishes it. With
// bump set the stream gets a new Version and is UPDATING for the update
// delay.
func (s *Service) updateStream(ctx context.Context, c Caller, ref Ref, currentVersion string, bump bool, fn func(st *Stream) error) (*Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.findOwned(c, ref)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(currentVersion, cur.Version, "stream"); err != nil {
		return nil, err
	}
	if cur.Status != StatusActive {
		return nil, errNotActive("stream", cur.Name, cur.Status)
	}
	st := cur.clone()
	if err := fn(st); err != nil {
		return nil, err
	}
	if bump {
		st.Version = newVersion()
		if s.cfg.UpdateDelay > 0 {
			st.Status = StatusUpdating
		}
	}
	if err := s.persistStream(ctx, st); err != nil {
		return nil, err
	}
	s.streams[key{st.Account, st.Region, st.Name}] = st
	if st.Status != StatusActive {
		s.scheduleStream(st)
	}
	return st.clone(), nil
}

// UpdateStream changes a stream's DeviceName and MediaType (empty values
// are left as they are).
func (s *Service) UpdateStream(ctx context.Context, c Caller, ref Ref, currentVersion, deviceName, mediaType string) error {
	if err := s.admit(c, "UpdateStream", ref); err != nil {
		return err
	}
	_, err := s.updateStream(ctx, c, ref, currentVersion, true, func(st *Stream) error {
		if deviceName != "" {
			st.DeviceName = deviceName
		}
		if mediaType != "" {
			st.MediaType = mediaType
		}
		return nil
	})
	return err
}

// Data retention operations.
const (
	IncreaseRetention = "INCREASE_DATA_RETENTION"
	DecreaseRetention = "DECREASE_DATA_RETENTION"
)

// UpdateDataRetention increases or decreases a stream's retention by
// hours.
func (s *Service) UpdateDataRetention(ctx context.Context, c Caller, ref Ref, currentVersion, operation string, hours int64) error {
	if err := s.admit(c, "UpdateDataRetention", ref); err != nil {
		return err
	}
	_, err := s.updateStream(ctx, c, ref, currentVersion, true, func(st *Stream) error {
		switch operation {
		case IncreaseRetention:
			if st.RetentionHours+hours > MaxRetentionHours {
				return errInvalid("The data retention of the stream cannot be increased to more than %d hours (it is %d hours).", MaxRetentionHours, st.RetentionHours)
			}
			st.RetentionHours += hours
		case DecreaseRetention:
			if hours > st.RetentionHours {
				return errInvalid("The data retention of the stream cannot be decreased below 0 hours (it is %d hours).", st.RetentionHours)
			}
			st.RetentionHours -= hours
		default:
			return errInvalid("Operation must be %s or %s.", IncreaseRetention, DecreaseRetention)
		}
		return nil
	})
	return err
}

// UpdateStreamStorage changes a stream's default storage tier.
func (s *Service) UpdateStreamStorage(ctx context.Context, c Caller, ref Ref, currentVersion, tier string) error {
	_, err := s.updateStream(ctx, c, ref, currentVersion, true, func(st *Stream) error {
		st.StorageTier = tier
		return nil
	})
	return err
}

// DataEndpoint is GetDataEndpoint: the base URL of the data plane for the
// stream, Config.PublicURL for every API; "" when none is configured (the
// API layer then answers the URL the request came in on).
func (s *Service) DataEndpoint(c Caller, ref Ref) (string, error) {
	if err := s.admit(c, "GetDataEndpoint", ref); err != nil {
		return "", err
	}
	if _, err := s.Stream(c, ref); err != nil {
		return "", err
	}
	return s.cfg.PublicURL, nil
}

// PublicURL is the configured public base URL ("" when none is).
func (s *Service) PublicURL() string { return s.cfg.PublicURL }
