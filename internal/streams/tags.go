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

// AddTags adds or overwrites tags on a stream or consumer (AddTagsToStream
// and TagResource).
func (s *Service) AddTags(ctx context.Context, c Caller, ref StreamRef, action string, tags map[string]string) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	r := resourceOf(ref)
	return s.updateAnyState(ctx, c, r.stream, action, func(st *Stream) error {
		target, err := r.tags(st)
		if err != nil {
			return err
		}
		merged := copyTags(*target)
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range tags {
			merged[k] = v
		}
		if len(merged) > MaxTags {
			return errTooManyTags(st.Name, st.Account)
		}
		*target = merged
		return nil
	})
}

// RemoveTags removes tags by key; absent keys are ignored.
func (s *Service) RemoveTags(ctx context.Context, c Caller, ref StreamRef, action string, keys []string) error {
	r := resourceOf(ref)
	return s.updateAnyState(ctx, c, r.stream, action, func(st *Stream) error {
		target, err := r.tags(st)
		if err != nil {
			return err
		}
		m := copyTags(*target)
		for _, k := range keys {
			delete(m, k)
		}
		*target = copyTags(m)
		return nil
	})
}

// ListTags returns a resource's tags in key order after exclusiveStart, at
// most limit (0: all), and whether more follow.
func (s *Service) ListTags(_ context.Context, c Caller, ref StreamRef, action, exclusiveStart string, limit int) ([]Tag, bool, error) {
	r := resourceOf(ref)
	ls, _, err := s.resolve(c, r.stream, action)
	if err != nil {
		return nil, false, err
	}
	target, err := r.tags(ls.snapshot())
	if err != nil {
		return nil, false, err
	}
	all := *target
	keys := make([]string, 0, len(all))
	for k := range all {
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
		tags[i] = Tag{Key: k, Value: all[k]}
	}
	return tags, more, nil
}
