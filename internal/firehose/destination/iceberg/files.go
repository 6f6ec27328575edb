package iceberg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	icebergio "github.com/apache/iceberg-go/io"

	"sluice/internal/objectstore"
)

// files is the iceberg-go file system of one Append: every file goes to
// the object store with Put; the table's metadata files (those under a
// table's metadata/ folder: metadata JSON, manifest lists, manifests,
// version-hint.text) are also kept in the local mirror, which is where
// they are read back from, since the object store is write-only.
//
// iceberg-go's file interface has no context; it builds one of these per
// operation from the context it is given (table.FSysF), so the context
// lives only as long as that call.
type files struct {
	ctx    context.Context
	store  objectstore.Store
	mirror string
}

var (
	_ icebergio.WriteFileIO = files{}
	_ icebergio.ReadFileIO  = files{}
)

// splitLocation splits s3://bucket/key.
func splitLocation(loc string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	if !ok {
		return "", "", fmt.Errorf("iceberg: %q is not an s3:// location", loc)
	}
	bucket, key, ok = strings.Cut(rest, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", fmt.Errorf("iceberg: %q has no bucket and key", loc)
	}
	return bucket, key, nil
}

func isMetadata(key string) bool { return strings.Contains(key, "/metadata/") }

// local is where the mirror keeps a metadata file.
func (f files) local(loc string) (string, error) {
	bucket, key, err := splitLocation(loc)
	if err != nil {
		return "", err
	}
	return objectstore.Dir{Root: f.mirror}.Path(bucket, key)
}

func (f files) Open(name string) (icebergio.File, error) {
	path, err := f.local(name)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return file, nil
}

func (f files) ReadFile(name string) ([]byte, error) {
	path, err := f.local(name)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// Remove forgets the mirror's copy; the object store keeps its object
// (objectstore.Store cannot delete). iceberg-go removes files it wrote for
// a commit that failed, which no metadata then refers to.
func (f files) Remove(name string) error {
	path, err := f.local(name)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (f files) Create(name string) (icebergio.FileWriter, error) {
	if _, _, err := splitLocation(name); err != nil {
		return nil, err
	}
	return &fileWriter{files: f, name: name}, nil
}

func (f files) WriteFile(name string, p []byte) error {
	bucket, key, err := splitLocation(name)
	if err != nil {
		return err
	}
	if err := f.store.Put(f.ctx, objectstore.Object{Bucket: bucket, Key: key, Body: p}); err != nil {
		return err
	}
	if !isMetadata(key) {
		return nil
	}
	return objectstore.Dir{Root: f.mirror}.Put(f.ctx, objectstore.Object{Bucket: bucket, Key: key, Body: p})
}

// fileWriter buffers a file and puts it when closed.
type fileWriter struct {
	bytes.Buffer
	files  files
	name   string
	closed bool
}

func (w *fileWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return w.files.WriteFile(w.name, w.Bytes())
}
