// Package objectstore writes delivered objects: to an S3-compatible endpoint
// (AWS S3, MinIO, Ceph, versitygw) with aws-sdk-go-v2, or, with none
// configured, to a local directory laid out as <dir>/<bucket>/<key>, so that
// a plain `sluice` delivers somewhere with nothing else installed.
package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
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
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
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
	dir, err := d.bucketDir(bucket)
	if err != nil {
		return "", err
	}
	if key == "" || strings.HasPrefix(key, "/") {
		return "", fmt.Errorf("objectstore: invalid key %q", key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == ".." || part == "." {
			return "", fmt.Errorf("objectstore: key %q has a %q segment", key, part)
		}
	}
	return filepath.Join(dir, filepath.FromSlash(key)), nil
}

// bucketDir is a bucket's directory under Root.
func (d Dir) bucketDir(bucket string) (string, error) {
	if bucket == "" || strings.ContainsAny(bucket, `/\`) || bucket == "." || bucket == ".." {
		return "", fmt.Errorf("objectstore: invalid bucket name %q", bucket)
	}
	return filepath.Join(d.Root, bucket), nil
}

// Info describes a stored object.
type Info struct {
	Key      string
	Size     int64
	Modified time.Time
}

// List returns a bucket's objects, keys in order (an absent bucket is
// empty).
func (d Dir) List(bucket string) ([]Info, error) {
	root, err := d.bucketDir(bucket)
	if err != nil {
		return nil, err
	}
	var out []Info
	err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || e.IsDir() || strings.HasPrefix(e.Name(), ".put-") {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out = append(out, Info{Key: filepath.ToSlash(rel), Size: fi.Size(), Modified: fi.ModTime()})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, err
}

// Get returns up to max bytes of an object, and its whole size.
func (d Dir) Get(bucket, key string, max int64) ([]byte, int64, error) {
	path, err := d.Path(bucket, key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	b, err := io.ReadAll(io.LimitReader(f, max))
	return b, fi.Size(), err
}
