package video

import (
	"context"
	"maps"
	"strings"
)

func errTagsLimit() *Error {
	return newErr(KindTagsLimit, "The resource would have more than %d tags.", MaxTags)
}

// checkTags refuses the reserved "aws:" key prefix (the shapes check the
// rest).
func checkTags(tags map[string]string) error {
	for k := range tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errInvalid("The tag key %s is reserved: keys starting with aws: are for AWS's own use.", k)
		}
	}
	return nil
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}

// mergeTags adds tags to cur, refusing a result of more than MaxTags.
func mergeTags(cur, add map[string]string) (map[string]string, error) {
	if err := checkTags(add); err != nil {
		return nil, err
	}
	out := maps.Clone(cur)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, add)
	if len(out) > MaxTags {
		return nil, errTagsLimit()
	}
	return out, nil
}

// TagStream adds or replaces tags of a stream.
func (s *Service) TagStream(ctx context.Context, c Caller, ref Ref, tags map[string]string) error {
	if err := s.admit(c, "TagStream", ref); err != nil {
		return err
	}
	_, err := s.updateAny(ctx, c, ref, func(st *Stream) error {
		t, err := mergeTags(st.Tags, tags)
		st.Tags = t
		return err
	})
	return err
}

// UntagStream removes tags of a stream (absent keys are ignored).
func (s *Service) UntagStream(ctx context.Context, c Caller, ref Ref, keys []string) error {
	if err := s.admit(c, "UntagStream", ref); err != nil {
		return err
	}
	_, err := s.updateAny(ctx, c, ref, func(st *Stream) error {
		for _, k := range keys {
			delete(st.Tags, k)
		}
		st.Tags = nonEmpty(st.Tags)
		return nil
	})
	return err
}

// StreamTags returns a stream's tags.
func (s *Service) StreamTags(c Caller, ref Ref) (map[string]string, error) {
	if err := s.admit(c, "ListTagsForStream", ref); err != nil {
		return nil, err
	}
	st, err := s.Stream(c, ref)
	if err != nil {
		return nil, err
	}
	return st.Tags, nil
}

// updateAny applies fn to a copy of a stream in any state but DELETING,
// without a version check or change (tags and configurations).
func (s *Service) updateAny(ctx context.Context, c Caller, ref Ref, fn func(st *Stream) error) (*Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.findOwned(c, ref)
	if err != nil {
		return nil, err
	}
	if cur.Status == StatusDeleting {
		return nil, errStreamNotFound
	}
	st := cur.clone()
	if err := fn(st); err != nil {
		return nil, err
	}
	if err := s.persistStream(ctx, st); err != nil {
		return nil, err
	}
	s.streams[key{st.Account, st.Region, st.Name}] = st
	return st.clone(), nil
}

// resourceKind tells a stream ARN from a channel ARN.
func resourceKind(arn string) string {
	if _, ok := nameFromARN(arn, "channel"); ok {
		return "channel"
	}
	return "stream"
}

// TagResource adds or replaces tags of a stream or a channel, by ARN.
func (s *Service) TagResource(ctx context.Context, c Caller, arn string, tags map[string]string) error {
	if resourceKind(arn) == "channel" {
		return s.updateChannelAny(ctx, c, Ref{ARN: arn}, func(ch *Channel) error {
			t, err := mergeTags(ch.Tags, tags)
			ch.Tags = t
			return err
		})
	}
	return s.TagStream(ctx, c, Ref{ARN: arn}, tags)
}

// UntagResource removes tags of a stream or a channel, by ARN.
func (s *Service) UntagResource(ctx context.Context, c Caller, arn string, keys []string) error {
	if resourceKind(arn) == "channel" {
		return s.updateChannelAny(ctx, c, Ref{ARN: arn}, func(ch *Channel) error {
			for _, k := range keys {
				delete(ch.Tags, k)
			}
			ch.Tags = nonEmpty(ch.Tags)
			return nil
		})
	}
	return s.UntagStream(ctx, c, Ref{ARN: arn}, keys)
}

// ResourceTags returns the tags of a stream or a channel, by ARN.
func (s *Service) ResourceTags(c Caller, arn string) (map[string]string, error) {
	if resourceKind(arn) == "channel" {
		ch, err := s.Channel(c, Ref{ARN: arn})
		if err != nil {
			return nil, err
		}
		return ch.Tags, nil
	}
	return s.StreamTags(c, Ref{ARN: arn})
}
