package cluster

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sluice/internal/storage"
)

// testMeta checks what the conformance suite cannot: concurrent Updates
// of one key serialise (each retries on a conflict), and transactions too
// large for etcd fail with errors that say what to do.
func testMeta(t *testing.T, e *env) {
	b := open(t, e.options(prefixOf(t.Name()), e.fence(t)))
	m := b.Meta()
	var wg sync.WaitGroup
	const writers, increments = 4, 10
	for range writers {
		wg.Go(func() {
			for range increments {
				err := m.Update(t.Context(), func(tx storage.MetaTx) error {
					v, err := tx.Get("counter")
					n := 0
					if err == nil {
						n, _ = strconv.Atoi(string(v))
					} else if !errors.Is(err, storage.ErrNotFound) {
						return err
					}
					return tx.Put("counter", []byte(strconv.Itoa(n+1)))
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if v, err := m.Get(t.Context(), "counter"); err != nil || string(v) != strconv.Itoa(writers*increments) {
		t.Fatalf("counter after concurrent increments: %q, %v", v, err)
	}

	err := m.Update(t.Context(), func(tx storage.MetaTx) error {
		for i := range maxTxnOps + 1 {
			tx.Put(fmt.Sprint("many/", i), []byte("v"))
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "--max-txn-ops") {
		t.Fatalf("a transaction of too many writes: %v", err)
	}
	err = m.Update(t.Context(), func(tx storage.MetaTx) error {
		return tx.Put("huge", make([]byte, 2<<20))
	})
	if err == nil || !strings.Contains(err.Error(), "huge") {
		t.Fatalf("a value too large: %v", err)
	}
	if _, err := m.Get(t.Context(), "many/0"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a refused transaction wrote: %v", err)
	}
}
