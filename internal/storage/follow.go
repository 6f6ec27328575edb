package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// What the services share to follow the metadata of units another node
// owns (placement): each keeps a unit as JSON under
// <prefix><account>/<region>/<name>, and rereads a key when a watch says
// it changed, or everything under its prefix when the watch started over.

// SplitMetaKey parses a unit's metadata key, <prefix><account>/<region>/<name>.
func SplitMetaKey(key, prefix string) (account, region, name string, ok bool) {
	rest, found := strings.CutPrefix(key, prefix)
	parts := strings.Split(rest, "/")
	if !found || len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// FindJSON returns the value under prefix, decoded, that match accepts
// (given its key), or an error wrapping ErrNotFound. It scans the prefix:
// for what is rare, such as loading a unit that moved to this node.
func FindJSON[T any](ctx context.Context, m MetaStore, prefix string, match func(key string, v *T) bool) (*T, error) {
	var found *T
	err := m.Scan(ctx, prefix, func(key string, value []byte) error {
		v := new(T)
		if json.Unmarshal(value, v) == nil && match(key, v) {
			found = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, fmt.Errorf("storage: nothing under %s matches: %w", prefix, ErrNotFound)
	}
	return found, nil
}

// ReadJSON reads the value at key, decoded: nil when the key is absent, an
// error when it does not decode or valid refuses it.
func ReadJSON[T any](ctx context.Context, m MetaStore, key string, valid func(v *T) bool) (*T, error) {
	value, err := m.Get(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(value, v); err != nil {
		return nil, fmt.Errorf("storage: the metadata at %s does not decode: %w", key, err)
	}
	if !valid(v) {
		return nil, fmt.Errorf("storage: the metadata at %s does not describe what its key names", key)
	}
	return v, nil
}

// FollowAll rereads every key under prefix with follow (which publishes
// what changed and forgets what is gone), then follows the keys that
// remote (the keys of the units this node follows) still names but the
// store no longer holds, so that units deleted while a watch was down are
// forgotten. A key that cannot be followed is reported to failed and the
// others go on.
func FollowAll(ctx context.Context, m MetaStore, prefix string, follow func(context.Context, string) error, remote func() []string, failed func(key string, err error)) error {
	var keys []string
	err := m.Scan(ctx, prefix, func(key string, _ []byte) error {
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		return err
	}
	present := make(map[string]bool, len(keys))
	for _, key := range keys {
		present[key] = true
		if err := follow(ctx, key); err != nil {
			failed(key, err)
		}
	}
	for _, key := range remote() {
		if present[key] {
			continue
		}
		if err := follow(ctx, key); err != nil {
			return err
		}
	}
	return nil
}
