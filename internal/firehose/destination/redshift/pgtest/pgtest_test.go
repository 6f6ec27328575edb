package pgtest

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestBinDirOverride(t *testing.T) {
	t.Setenv("SLUICE_POSTGRES_BIN", "/nonexistent/pg/bin")
	if _, err := BinDir(); err == nil || !strings.Contains(err.Error(), "/nonexistent/pg/bin") {
		t.Errorf("BinDir = %v, want an error naming the directory", err)
	}
}

func TestMissingMessage(t *testing.T) {
	if !strings.Contains(ErrMissing.Error(), "make test-postgres") || errors.Unwrap(ErrMissing) != nil {
		t.Errorf("ErrMissing = %v", ErrMissing)
	}
}

func TestStartStop(t *testing.T) {
	var s Shared
	srv := s.Get(t)
	if err := srv.Exec(t.Context(), "CREATE TABLE x (id int); INSERT INTO x VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	c, err := srv.Connect(t.Context(), Database)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRow(t.Context(), "SELECT count(*) FROM x").Scan(&n); err != nil || n != 1 {
		t.Errorf("count = %d, %v", n, err)
	}
	c.Close(t.Context())
	dir := srv.Dir
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory %s left behind: %v", dir, err)
	}
}
