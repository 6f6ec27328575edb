package streams

import (
	"context"
	"sort"
	"unicode"
)

// Tag is one key-value tag.
type Tag struct{ Key, Value string }

// checkTags enforces AWS's tag alphabet: Unicode letters, digits, white
// space and _ . / = + - % @.
func checkTags(tags map[string]string) error {
	for k, v := range tags {
		if !validTagText(k) || !validTagText(v) {
			return errTagChars()
		}
	}
	return nil
}

func validTagText(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) {
			continue
		}
		switch r {
		case '_', '.', '/', '=', '+', '-', '%', '@', ':':
			continue
		}
		return false
	}
	return true
}

func copyTags(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

// AddTags adds or overwrites tags on a stream (AddTagsToStream and
// TagResource).
func (s *Service) AddTags(ctx context.Context, c Caller, ref StreamRef, action string, tags map[string]string) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.updateAnyState(ctx, c, ref, action, func(st *Stream) error {
		merged := copyTags(st.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range tags {
			merged[k] = v
		}
		if len(merged) > MaxTags {
			return errTooManyTags(st.Name, st.Account)
		}
		st.Tags = merged
		return nil
	})
}

// RemoveTags removes tags by key; absent keys are ignored.
func (s *Service) RemoveTags(ctx context.Context, c Caller, ref StreamRef, action string, keys []string) error {
	return s.updateAnyState(ctx, c, ref, action, func(st *Stream) error {
		for _, k := range keys {
			delete(st.Tags, k)
		}
		if len(st.Tags) == 0 {
			st.Tags = nil
		}
		return nil
	})
}

// ListTags returns a stream's tags in key order after exclusiveStart, at
// most limit (0: all), and whether more follow.
func (s *Service) ListTags(_ context.Context, c Caller, ref StreamRef, action, exclusiveStart string, limit int) ([]Tag, bool, error) {
	ls, _, err := s.resolve(c, ref, action)
	if err != nil {
		return nil, false, err
	}
	st := ls.snapshot()
	keys := make([]string, 0, len(st.Tags))
	for k := range st.Tags {
		if k > exclusiveStart {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	more := false
	if limit > 0 && len(keys) > limit {
		keys, more = keys[:limit], true
	}
	tags := make([]Tag, len(keys))
	for i, k := range keys {
		tags[i] = Tag{Key: k, Value: st.Tags[k]}
	}
	return tags, more, nil
}
