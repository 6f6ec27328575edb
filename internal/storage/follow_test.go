package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// mapMeta is a MetaStore in a map, enough for the helpers' tests.
type mapMeta map[string][]byte

func (m mapMeta) Get(_ context.Context, key string) ([]byte, error) {
	if v, ok := m[key]; ok {
		return v, nil
	}
	return nil, ErrNotFound
}

func (m mapMeta) Scan(_ context.Context, prefix string, fn func(string, []byte) error) error {
	var keys []string
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := fn(k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

func (m mapMeta) Update(context.Context, func(MetaTx) error) error { return errors.New("read-only") }
func (m mapMeta) Close() error                                     { return nil }

type unit struct{ ID, Name string }

func TestFindAndReadJSON(t *testing.T) {
	ctx := context.Background()
	m := mapMeta{
		"u/a/r/one": []byte(`{"ID":"1","Name":"one"}`),
		"u/a/r/two": []byte(`{"ID":"2","Name":"two"}`),
		"u/a/r/bad": []byte(`{`),
		"v/a/r/one": []byte(`{"ID":"9","Name":"one"}`),
	}
	got, err := FindJSON(ctx, m, "u/", func(key string, u *unit) bool { return u.ID == "2" && key == "u/a/r/"+u.Name })
	if err != nil || got.Name != "two" {
		t.Fatalf("FindJSON: %+v, %v", got, err)
	}
	if _, err := FindJSON(ctx, m, "u/", func(string, *unit) bool { return false }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FindJSON of nothing: %v", err)
	}
	valid := func(u *unit) bool { return u.ID != "" }
	if u, err := ReadJSON(ctx, m, "u/a/r/one", valid); err != nil || u.ID != "1" {
		t.Fatalf("ReadJSON: %+v, %v", u, err)
	}
	if u, err := ReadJSON(ctx, m, "u/a/r/none", valid); err != nil || u != nil {
		t.Fatalf("ReadJSON of an absent key: %+v, %v", u, err)
	}
	if _, err := ReadJSON(ctx, m, "u/a/r/bad", valid); err == nil {
		t.Fatal("ReadJSON of a value that does not decode: no error")
	}
	if _, err := ReadJSON(ctx, mapMeta{"k": []byte(`{}`)}, "k", valid); err == nil {
		t.Fatal("ReadJSON of a value valid refuses: no error")
	}
}

// FollowAll follows every key present, then the remote ones gone, and
// goes on past a key that fails.
func TestFollowAll(t *testing.T) {
	ctx := context.Background()
	m := mapMeta{"u/a/r/one": nil, "u/a/r/two": nil, "w/a/r/x": nil}
	var followed, failed []string
	follow := func(_ context.Context, key string) error {
		followed = append(followed, key)
		if key == "u/a/r/one" {
			return errors.New("broken")
		}
		return nil
	}
	remote := func() []string { return []string{"u/a/r/two", "u/a/r/gone"} }
	err := FollowAll(ctx, m, "u/", follow, remote, func(key string, _ error) { failed = append(failed, key) })
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(followed) != "[u/a/r/one u/a/r/two u/a/r/gone]" || fmt.Sprint(failed) != "[u/a/r/one]" {
		t.Fatalf("followed %v, failed %v", followed, failed)
	}
}

// SplitMetaKey accepts exactly <prefix><account>/<region>/<name> with
// three non-empty parts.
func FuzzSplitMetaKey(f *testing.F) {
	for _, k := range []string{"p/a/r/n", "p/a/r", "p/a//n", "q/a/r/n", "p/a/r/n/x", "p//r/n"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		a, r, n, ok := SplitMetaKey(key, "p/")
		if !ok {
			return
		}
		if slices.Contains([]string{a, r, n}, "") || strings.Contains(a+r+n, "/") || "p/"+a+"/"+r+"/"+n != key {
			t.Fatalf("%q split as %q %q %q", key, a, r, n)
		}
	})
}
