package streams

import (
	"context"
	"sort"
	"unicode"
)

// Tag is one key-value tag.
type Tag struct{ Key, Value string }

// checkTags enforces AWS's tag alphabet on keys and values.
func checkTags(tags map[string]string) error {
	for k, v := range tags {
		if !validTagText(k) || !validTagText(v) {
			return errTagChars()
		}
	}
	return nil
}

// checkTagKeys enforces the tag alphabet on the keys to remove: AWS refuses
// a key no tag could have rather than ignoring it.
func checkTagKeys(keys []string) error {
	for _, k := range keys {
		if !validTagText(k) {
			return errTagChars()
		}
	}
	return nil
}

// validTagText reports whether s is in AWS's tag alphabet, the pattern
// ^[\p{L}\p{Z}\p{N}_.:/=+\-@%]*$ AWS gives tags (the Kinesis model has
// none; Firehose's and CloudFormation's have this one): Unicode letters,
// separators (the "white space" of the message: U+0020, U+00A0, U+3000 and
// the like, but not tab, newline or other control characters, which AWS
// refuses), numbers, and _ . : / = + - @ %. The colon is not in AWS's
// message but is in its pattern (tools write aws:... keys).
func validTagText(s string) bool {
	for _, r := range s {
		if r < 0x80 {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == ' ' {
				continue
			}
			switch r {
			case '_', '.', ':', '/', '=', '+', '-', '@', '%':
				continue
			}
			return false
		}
		if !unicode.In(r, unicode.L, unicode.Z, unicode.N) {
			return false
		}
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
// The resource is found before the tags are checked: AWS answers an unknown
// stream with ResourceNotFoundException whatever the tags hold.
func (s *Service) AddTags(ctx context.Context, c Caller, ref StreamRef, action string, tags map[string]string) error {
	r := resourceOf(ref)
	return s.mutateResource(ctx, c, r, action, notDeleting, func(st *Stream) error {
		target, err := r.tags(st)
		if err != nil {
			return err
		}
		if err := checkTags(tags); err != nil {
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

// RemoveTags removes tags by key; absent keys are ignored, keys outside the
// tag alphabet refused (after the resource is found, as in AddTags).
func (s *Service) RemoveTags(ctx context.Context, c Caller, ref StreamRef, action string, keys []string) error {
	r := resourceOf(ref)
	return s.mutateResource(ctx, c, r, action, notDeleting, func(st *Stream) error {
		target, err := r.tags(st)
		if err != nil {
			return err
		}
		if err := checkTagKeys(keys); err != nil {
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
	ls, err := s.resolveResource(c, r, action)
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
