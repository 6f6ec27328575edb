package iceberg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	iceberg "github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"sluice/internal/firehose/convert"
	"sluice/internal/objectstore"
)

// ErrSchemaChanged: the columns given for a table are not the schema the
// table was created with. Sluice does not evolve a table's schema.
var ErrSchemaChanged = errors.New("iceberg: the table's columns changed since it was created")

// Table is one Iceberg table: where it lives in the object store and its
// columns.
type Table struct {
	// Bucket and Warehouse place the warehouse at s3://Bucket/Warehouse
	// (Warehouse is a key prefix; empty is the bucket's root).
	Bucket, Warehouse string
	// Columns are the Glue table's; Columns.Database and Columns.Name are
	// the Iceberg namespace and table name.
	Columns convert.Table
}

// Location is the table's location: <warehouse>/<database>/<table>, the
// layout of a Hadoop catalog rooted at the warehouse.
func (t Table) Location() string {
	parts := []string{"s3://" + t.Bucket}
	if w := strings.Trim(t.Warehouse, "/"); w != "" {
		parts = append(parts, w)
	}
	return strings.Join(append(parts, t.Columns.Database, t.Columns.Name), "/")
}

// ParseWarehouse splits a WarehouseLocation (s3://bucket[/prefix]) into
// its bucket and key prefix.
func ParseWarehouse(loc string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	if !ok {
		return "", "", fmt.Errorf("warehouse location %q does not start with s3://", loc)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("warehouse location %q has no bucket", loc)
	}
	return bucket, strings.Trim(prefix, "/"), nil
}

// Writer appends batches of JSON records to Iceberg tables.
type Writer struct {
	// Store receives every file.
	Store objectstore.Store
	// Mirror is a local directory that keeps each table's metadata files
	// (laid out as Store's objects are, <Mirror>/<bucket>/<key>): the
	// current version is read from it, never from Store.
	Mirror string

	mu     sync.Mutex
	tables map[string]*sync.Mutex
}

// Result is what one Append did.
type Result struct {
	// Rows is the number of records appended.
	Rows int
	// Failed are the records not appended, in input order.
	Failed []Failure
	// Snapshot is the new snapshot's ID and Metadata its metadata file
	// (zero and "" when no record was appended).
	Snapshot int64
	Metadata string
}

// Append appends the records that fit the table's schema as one new
// snapshot, creating the table first if it has no metadata yet. A record
// that does not fit is returned in Result.Failed with its code; err means
// nothing was committed (files already put are then referenced by no
// snapshot) and the batch may be appended again.
func (w *Writer) Append(ctx context.Context, t Table, records [][]byte) (Result, error) {
	sc, err := Schema(t.Columns)
	if err != nil {
		return Result{}, err
	}
	unlock := w.lock(t.Location())
	defer unlock()

	cat := catalog{files: files{store: w.Store, mirror: w.Mirror}, location: t.Location()}
	meta, metaLoc, err := cat.current(ctx)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if meta, metaLoc, err = cat.create(ctx, sc); err != nil {
			return Result{}, err
		}
	case err != nil:
		return Result{}, err
	default:
		if same, err := sameSchema(meta.CurrentSchema(), sc); err != nil {
			return Result{}, err
		} else if !same {
			return Result{}, fmt.Errorf("%w: table %s has %s, the columns give %s",
				ErrSchemaChanged, t.Location(), meta.CurrentSchema(), sc)
		}
	}
	sc = meta.CurrentSchema()

	var res Result
	var rows [][]any
	for i, rec := range records {
		r, err := row(sc, rec)
		if err != nil {
			var re *recordError
			if !errors.As(err, &re) {
				return Result{}, err
			}
			res.Failed = append(res.Failed, Failure{Index: i, Code: re.code, Message: re.msg})
			continue
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return res, nil
	}
	rec, err := batch(sc, rows)
	if err != nil {
		return Result{}, err
	}
	defer rec.Release()
	rdr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return Result{}, err
	}
	defer rdr.Release()

	ident := table.Identifier{t.Columns.Database, t.Columns.Name}
	tbl := table.New(ident, meta, metaLoc, cat.fs, &cat)
	tx := tbl.NewTransaction()
	if err := tx.Append(ctx, rdr, nil); err != nil {
		return Result{}, fmt.Errorf("iceberg: append to %s: %w", t.Location(), err)
	}
	tbl, err = tx.Commit(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("iceberg: commit to %s: %w", t.Location(), err)
	}
	res.Rows = len(rows)
	res.Metadata = tbl.MetadataLocation()
	if s := tbl.CurrentSnapshot(); s != nil {
		res.Snapshot = s.SnapshotID
	}
	return res, nil
}

// lock serialises appends to one table: a table's versions are numbered
// from its mirror, so two commits may not run at once.
func (w *Writer) lock(loc string) func() {
	w.mu.Lock()
	if w.tables == nil {
		w.tables = map[string]*sync.Mutex{}
	}
	m := w.tables[loc]
	if m == nil {
		m = &sync.Mutex{}
		w.tables[loc] = m
	}
	w.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// sameSchema compares two schemas' names, types and nullability, ignoring
// field IDs.
func sameSchema(a, b *iceberg.Schema) (bool, error) {
	fresh := func(s *iceberg.Schema) (*iceberg.Schema, error) {
		n := 0
		return iceberg.AssignFreshSchemaIDs(s, func() int { n++; return n })
	}
	fa, err := fresh(a)
	if err != nil {
		return false, err
	}
	fb, err := fresh(b)
	if err != nil {
		return false, err
	}
	return fa.Equals(fb), nil
}

// catalog is a Hadoop-style catalog of one table: metadata/vN.metadata.json
// files and metadata/version-hint.text holding N, the current version.
type catalog struct {
	files    files
	location string
}

func (c *catalog) fs(ctx context.Context) (icebergio.IO, error) {
	f := c.files
	f.ctx = ctx
	return f, nil
}

func (c *catalog) metadataPath(version int) string {
	return c.location + "/metadata/v" + strconv.Itoa(version) + ".metadata.json"
}

func (c *catalog) hintPath() string { return c.location + "/metadata/version-hint.text" }

// version is the current version in the mirror (os.ErrNotExist when the
// table has none).
func (c *catalog) version() (int, error) {
	b, err := c.files.ReadFile(c.hintPath())
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || v < 1 {
		return 0, fmt.Errorf("iceberg: %s holds %q, not a version", c.hintPath(), b)
	}
	return v, nil
}

// current reads the current metadata from the mirror.
func (c *catalog) current(context.Context) (table.Metadata, string, error) {
	v, err := c.version()
	if err != nil {
		return nil, "", err
	}
	loc := c.metadataPath(v)
	b, err := c.files.ReadFile(loc)
	if err != nil {
		return nil, "", err
	}
	meta, err := table.ParseMetadataBytes(b)
	if err != nil {
		return nil, "", fmt.Errorf("iceberg: %s: %w", loc, err)
	}
	return meta, loc, nil
}

// create writes version 1: the empty, unpartitioned table.
func (c *catalog) create(ctx context.Context, sc *iceberg.Schema) (table.Metadata, string, error) {
	meta, err := table.NewMetadata(sc, iceberg.UnpartitionedSpec, table.UnsortedSortOrder, c.location, nil)
	if err != nil {
		return nil, "", err
	}
	loc, err := c.publish(ctx, meta, 1)
	return meta, loc, err
}

// publish puts vN.metadata.json, then version-hint.text: a reader that
// follows the hint never sees a version whose files are not all written.
func (c *catalog) publish(ctx context.Context, meta table.Metadata, version int) (string, error) {
	b, err := json.Marshal(meta)
	if err != nil {
		return "", err
	}
	f := c.files
	f.ctx = ctx
	loc := c.metadataPath(version)
	if err := f.WriteFile(loc, b); err != nil {
		return "", err
	}
	if err := f.WriteFile(c.hintPath(), []byte(strconv.Itoa(version))); err != nil {
		return "", err
	}
	return loc, nil
}

// LoadTable is table.CatalogIO's: the table at its current version.
func (c *catalog) LoadTable(ctx context.Context, ident table.Identifier) (*table.Table, error) {
	meta, loc, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	return table.New(ident, meta, loc, c.fs, c), nil
}

// CommitTable is table.CatalogIO's: it checks the requirements against
// the current version and publishes the next one.
func (c *catalog) CommitTable(ctx context.Context, _ table.Identifier, reqs []table.Requirement, updates []table.Update) (table.Metadata, string, error) {
	meta, loc, err := c.current(ctx)
	if err != nil {
		return nil, "", err
	}
	for _, r := range reqs {
		if err := r.Validate(meta); err != nil {
			return nil, "", err
		}
	}
	updated, err := table.UpdateTableMetadata(meta, updates, loc)
	if err != nil {
		return nil, "", err
	}
	v, err := c.version()
	if err != nil {
		return nil, "", err
	}
	newLoc, err := c.publish(ctx, updated, v+1)
	if err != nil {
		return nil, "", err
	}
	return updated, newLoc, nil
}
