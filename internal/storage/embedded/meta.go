package embedded

import (
	"bytes"
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"

	"sluice/internal/storage"
)

var metaBucket = []byte("meta")

// boltMeta is the MetaStore on bbolt: one bucket, keys as they come. Every
// Update is one bbolt transaction, fsynced before it returns.
type boltMeta struct {
	db *bolt.DB
}

func openMeta(path string) (*boltMeta, error) {
	db, err := openBoltChecked(path)
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(metaBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &boltMeta{db: db}, nil
}

func (m *boltMeta) Get(_ context.Context, key string) ([]byte, error) {
	var out []byte
	err := m.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(metaBucket).Get([]byte(key))
		if v == nil {
			return storage.ErrNotFound
		}
		out = bytes.Clone(v)
		return nil
	})
	return out, err
}

func (m *boltMeta) Scan(_ context.Context, prefix string, fn func(key string, value []byte) error) error {
	return m.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(metaBucket).Cursor()
		p := []byte(prefix)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			if err := fn(string(k), bytes.Clone(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (m *boltMeta) Update(_ context.Context, fn func(tx storage.MetaTx) error) error {
	return m.db.Update(func(tx *bolt.Tx) error {
		return fn(boltTx{b: tx.Bucket(metaBucket)})
	})
}

func (m *boltMeta) Close() error { return m.db.Close() }

type boltTx struct{ b *bolt.Bucket }

func (t boltTx) Get(key string) ([]byte, error) {
	v := t.b.Get([]byte(key))
	if v == nil {
		return nil, storage.ErrNotFound
	}
	return bytes.Clone(v), nil
}

func (t boltTx) Put(key string, value []byte) error {
	if key == "" {
		return errors.New("embedded: empty key")
	}
	return t.b.Put([]byte(key), value)
}

func (t boltTx) Delete(key string) error { return t.b.Delete([]byte(key)) }
