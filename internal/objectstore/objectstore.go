// Package objectstore writes delivered objects: to an S3-compatible endpoint
// (AWS S3, MinIO, Ceph, versitygw) with aws-sdk-go-v2, or, with none
// configured, to a local directory laid out as <dir>/<bucket>/<key>, so that
// a plain `sluice` delivers somewhere with nothing else installed.
package objectstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Object is one object to write.
type Object struct {
	Bucket          string
	Key             string
	Body            []byte
	ContentEncoding string // "" for none
}

// Store writes objects. Put is safe for concurrent use; an error may be
// retried (a failed Put leaves no partial object visible).
type Store interface {
	Put(ctx context.Context, o Object) error
}

// Dir is a Store in a local directory.
type Dir struct {
	Root string
}

// Put writes the object atomically: to a temporary file, synced, then
// renamed into place, so a reader never sees half an object.
func (d Dir) Put(_ context.Context, o Object) error {
	path, err := d.Path(o.Bucket, o.Key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".put-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(o.Body)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Path is where an object lives under Root. Bucket names and keys that
// would leave Root (.., absolute paths) are refused.
func (d Dir) Path(bucket, key string) (string, error) {
	if bucket == "" || strings.ContainsAny(bucket, `/\`) || bucket == "." || bucket == ".." {
		return "", fmt.Errorf("objectstore: invalid bucket name %q", bucket)
	}
	if key == "" || strings.HasPrefix(key, "/") {
		return "", fmt.Errorf("objectstore: invalid key %q", key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == ".." || part == "." {
			return "", fmt.Errorf("objectstore: key %q has a %q segment", key, part)
		}
	}
	return filepath.Join(d.Root, bucket, filepath.FromSlash(key)), nil
}
