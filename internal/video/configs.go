package video

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// ImageGenerationConfiguration returns a stream's image generation
// configuration (nil when it has none).
func (s *Service) ImageGenerationConfiguration(c Caller, ref Ref) (*ImageGeneration, error) {
	if err := s.admit(c, "DescribeImageGenerationConfiguration", ref); err != nil {
		return nil, err
	}
	st, err := s.Stream(c, ref)
	if err != nil {
		return nil, err
	}
	return st.ImageGeneration, nil
}

// AWS's bounds of image generation that the shapes do not carry.
const (
	MinSamplingInterval = 200   // milliseconds
	MaxSamplingInterval = 20000 // milliseconds
)

// UpdateImageGenerationConfiguration replaces a stream's image generation
// configuration; nil removes it. An ENABLED configuration needs a stream
// that keeps its data.
func (s *Service) UpdateImageGenerationConfiguration(ctx context.Context, c Caller, ref Ref, cfg *ImageGeneration) error {
	if err := s.admit(c, "UpdateImageGenerationConfiguration", ref); err != nil {
		return err
	}
	if cfg != nil {
		if err := checkImageGeneration(cfg); err != nil {
			return err
		}
	}
	_, err := s.updateActive(ctx, c, ref, func(st *Stream) error {
		if cfg != nil && cfg.Status == ConfigurationEnabled && st.RetentionHours == 0 {
			return newErr(KindNoDataRetention, "The stream %s keeps no data (DataRetentionInHours is 0): images cannot be generated from it.", st.Name)
		}
		st.ImageGeneration = cfg
		return nil
	})
	return err
}

func checkImageGeneration(cfg *ImageGeneration) error {
	if cfg.SamplingInterval < MinSamplingInterval || cfg.SamplingInterval > MaxSamplingInterval {
		return errInvalid("SamplingInterval must be between %d and %d milliseconds.", MinSamplingInterval, MaxSamplingInterval)
	}
	for k, v := range cfg.FormatConfig {
		if k != "JPEGQuality" {
			continue
		}
		if cfg.Format != "JPEG" {
			return errInvalid("FormatConfig JPEGQuality applies to the JPEG format only.")
		}
		q, err := strconv.Atoi(v)
		if err != nil || q < 1 || q > 100 {
			return errInvalid("FormatConfig JPEGQuality must be a whole number between 1 and 100.")
		}
	}
	return nil
}

// NotificationConfiguration returns a stream's notification configuration
// (nil when it has none).
func (s *Service) NotificationConfiguration(c Caller, ref Ref) (*Notification, error) {
	if err := s.admit(c, "DescribeNotificationConfiguration", ref); err != nil {
		return nil, err
	}
	st, err := s.Stream(c, ref)
	if err != nil {
		return nil, err
	}
	return st.Notification, nil
}

// UpdateNotificationConfiguration replaces a stream's notification
// configuration; nil removes it. An ENABLED configuration needs a stream
// that keeps its data.
func (s *Service) UpdateNotificationConfiguration(ctx context.Context, c Caller, ref Ref, cfg *Notification) error {
	if err := s.admit(c, "UpdateNotificationConfiguration", ref); err != nil {
		return err
	}
	_, err := s.updateActive(ctx, c, ref, func(st *Stream) error {
		if cfg != nil && cfg.Status == ConfigurationEnabled && st.RetentionHours == 0 {
			return newErr(KindNoDataRetention, "The stream %s keeps no data (DataRetentionInHours is 0): it cannot send fragment notifications.", st.Name)
		}
		st.Notification = cfg
		return nil
	})
	return err
}

// updateActive is updateAny for an ACTIVE stream.
func (s *Service) updateActive(ctx context.Context, c Caller, ref Ref, fn func(st *Stream) error) (*Stream, error) {
	return s.updateAny(ctx, c, ref, func(st *Stream) error {
		if st.Status != StatusActive {
			return errNotActive("stream", st.Name, st.Status)
		}
		return fn(st)
	})
}

// StartEdgeConfigurationUpdate stores a stream's edge configuration (the
// EdgeConfig's JSON and its hub device). Edge recording needs a stream
// that keeps its data.
func (s *Service) StartEdgeConfigurationUpdate(ctx context.Context, c Caller, ref Ref, hubDeviceArn string, config json.RawMessage) (*Stream, error) {
	if err := s.admit(c, "StartEdgeConfigurationUpdate", ref); err != nil {
		return nil, err
	}
	return s.updateActive(ctx, c, ref, func(st *Stream) error {
		if st.RetentionHours == 0 {
			return newErr(KindNoDataRetention, "The stream %s keeps no data (DataRetentionInHours is 0): edge recordings cannot be uploaded to it.", st.Name)
		}
		now := s.now()
		e := &Edge{HubDeviceArn: hubDeviceArn, Config: slices.Clone(config), SyncStatus: SyncInSync, Created: now, Updated: now}
		if st.Edge != nil {
			e.Created = st.Edge.Created
		}
		st.Edge = e
		return nil
	})
}

func errEdgeNotFound(name string) *Error {
	return newErr(KindEdgeNotFound, "The stream %s has no edge configuration.", name)
}

// EdgeConfiguration returns a stream with its edge configuration.
func (s *Service) EdgeConfiguration(c Caller, ref Ref) (*Stream, error) {
	if err := s.admit(c, "DescribeEdgeConfiguration", ref); err != nil {
		return nil, err
	}
	st, err := s.Stream(c, ref)
	if err != nil {
		return nil, err
	}
	if st.Edge == nil {
		return nil, errEdgeNotFound(st.Name)
	}
	return st, nil
}

// DeleteEdgeConfiguration removes a stream's edge configuration.
func (s *Service) DeleteEdgeConfiguration(ctx context.Context, c Caller, ref Ref) error {
	if err := s.admit(c, "DeleteEdgeConfiguration", ref); err != nil {
		return err
	}
	_, err := s.updateAny(ctx, c, ref, func(st *Stream) error {
		if st.Edge == nil {
			return errEdgeNotFound(st.Name)
		}
		st.Edge = nil
		return nil
	})
	return err
}

// ListEdgeAgentConfigurations returns, in name order, the caller's
// streams whose edge configuration names the hub device, a page at a time.
func (s *Service) ListEdgeAgentConfigurations(c Caller, hubDeviceArn string, maxResults int, nextToken string) ([]*Stream, string, error) {
	if err := s.admit(c, "ListEdgeAgentConfigurations", Ref{}); err != nil {
		return nil, "", err
	}
	after, err := decodeToken(nextToken)
	if err != nil {
		return nil, "", err
	}
	if maxResults <= 0 {
		maxResults = 10
	}
	s.mu.Lock()
	var all []*Stream
	for k, st := range s.streams {
		if k.account == c.Account && k.region == c.Region && st.Edge != nil && st.Edge.HubDeviceArn == hubDeviceArn && k.name > after {
			all = append(all, st.clone())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b *Stream) int { return strings.Compare(a.Name, b.Name) })
	next := ""
	if len(all) > maxResults {
		all = all[:maxResults]
		next = encodeToken(all[len(all)-1].Name)
	}
	return all, next, nil
}

// MappedResource is a resource mapped to a stream.
type MappedResource struct {
	Type string
	ARN  string
}

// MappedResources is DescribeMappedResourceConfiguration: the signaling
// channel whose media storage records to the stream, if any.
func (s *Service) MappedResources(c Caller, ref Ref) ([]MappedResource, error) {
	if err := s.admit(c, "DescribeMappedResourceConfiguration", ref); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.findStream(c, ref)
	if err != nil {
		return nil, err
	}
	arn := st.ARN()
	var out []MappedResource
	for _, ch := range s.channels {
		if ch.MediaStorageStream == arn {
			out = append(out, MappedResource{Type: MappedResourceType, ARN: ch.ARN()})
		}
	}
	return out, nil
}
