package redshift

import (
	"os"
	"testing"

	"sluice/internal/firehose/destination/redshift/pgtest"
)

// pg is the PostgreSQL server the tests of the package share, started by
// the first test that needs it.
var pg pgtest.Shared

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }
