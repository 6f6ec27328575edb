package analytics

import (
	"context"
	"slices"
	"strings"
)

// ParseARN splits arn:aws:kinesisanalytics:<region>:<account>:application/<name>.
func ParseARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesisanalytics" {
		return "", "", "", false
	}
	name, found := strings.CutPrefix(parts[5], "application/")
	if !found || name == "" || strings.Contains(name, "/") {
		return "", "", "", false
	}
	return parts[3], parts[4], name, true
}

// byARN returns the caller's application an ARN names.
func (s *Service) byARN(c Caller, arn string) (*Application, error) {
	region, account, name, ok := ParseARN(arn)
	if !ok {
		return nil, errInvalid("%s is not an application ARN (arn:aws:kinesisanalytics:<region>:<account>:application/<name>).", arn)
	}
	if account != c.Account || region != c.Region {
		return nil, newErr(KindNotFound, "Application %s is not found under account %s in region %s.", arn, c.Account, c.Region)
	}
	return s.get(c, name)
}

// Tag adds or overwrites tags; they do not change the version.
func (s *Service) Tag(ctx context.Context, c Caller, arn string, tags []Tag) error {
	if err := validateTags(tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.byARN(c, arn)
	if err != nil {
		return err
	}
	if err := s.refuseRemote(cur); err != nil {
		return err
	}
	if cur.Status == StatusDeleting {
		return errState(cur, "TagResource")
	}
	merged := mergeTags(cur.Tags, tags)
	if len(merged) > MaxTags {
		return errTooManyTags(cur.Name)
	}
	a := cur.clone()
	a.Tags = sortTags(merged)
	if err := s.persist(ctx, a, false); err != nil {
		return err
	}
	s.apps[keyOf(a)] = a
	return nil
}

// Untag removes tags by key; absent keys are ignored.
func (s *Service) Untag(ctx context.Context, c Caller, arn string, keys []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.byARN(c, arn)
	if err != nil {
		return err
	}
	if err := s.refuseRemote(cur); err != nil {
		return err
	}
	if cur.Status == StatusDeleting {
		return errState(cur, "UntagResource")
	}
	a := cur.clone()
	a.Tags = slices.DeleteFunc(a.Tags, func(t Tag) bool { return slices.Contains(keys, t.Key) })
	if err := s.persist(ctx, a, false); err != nil {
		return err
	}
	s.apps[keyOf(a)] = a
	return nil
}

// Tags returns an application's tags, sorted by key.
func (s *Service) Tags(c Caller, arn string) ([]Tag, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.byARN(c, arn)
	if err != nil {
		return nil, err
	}
	return a.Tags, nil
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
	slices.SortFunc(t, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return t
}
