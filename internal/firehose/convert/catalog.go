package convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Column is one column of a Glue table: its name and its Hive type.
type Column struct {
	Name, Type string
}

// Table is a Glue table as record format conversion needs it: the database
// and table names, and the StorageDescriptor's columns in order.
type Table struct {
	Database, Name string
	Columns        []Column
}

// Catalog is the table name -> columns source that stands in for the Glue
// Data Catalog. It is immutable once parsed.
type Catalog struct {
	tables map[string]Table // key: lower(database) + "\x00" + lower(table)
	order  []string
}

// maxCatalogBytes bounds the catalog file Sluice reads.
const maxCatalogBytes = 64 << 20

// LoadCatalog reads and parses the catalog file at path. Errors name the
// file and the problem.
func LoadCatalog(path string) (*Catalog, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("glue catalog %s: %w", path, err)
	}
	if st.Size() > maxCatalogBytes {
		return nil, fmt.Errorf("glue catalog %s: larger than %d bytes", path, maxCatalogBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("glue catalog %s: %w", path, err)
	}
	c, err := ParseCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("glue catalog %s: %w", path, err)
	}
	return c, nil
}

// glueTable is the part of a Glue Table object (GetTable's Table, one of
// GetTables' TableList) that conversion reads. Every other member a real
// Glue answer carries (PartitionKeys, Parameters, SerdeInfo, ...) is
// allowed and left alone: partition keys are S3 prefix values, not columns
// of the data file, as in Hive.
type glueTable struct {
	DatabaseName      *string
	Name              *string
	StorageDescriptor *struct {
		Columns []struct {
			Name *string
			Type *string
		}
	}
}

// ParseCatalog parses a catalog: a JSON array of Glue Table objects exactly
// as `aws glue get-table --query Table` prints each of them (DatabaseName,
// Name, StorageDescriptor.Columns[{Name, Type}]), or GetTables' output
// {"TableList": [...]}, or GetTable's output {"Table": {...}}. A table needs
// a database name, a name and at least one column with a name and a type;
// two tables may not share a database and a name (compared as Glue compares
// them, case-insensitively). Column types are checked when a delivery
// stream uses the table (Options.Validate), so a catalog may describe
// tables that conversion cannot use.
func ParseCatalog(data []byte) (*Catalog, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("empty file: expected a JSON array of Glue tables")
	}
	var tables []glueTable
	switch data[0] {
	case '[':
		if err := json.Unmarshal(data, &tables); err != nil {
			return nil, fmt.Errorf("not a JSON array of Glue tables: %w", err)
		}
	case '{':
		var wrapper struct {
			TableList *[]glueTable
			Table     *glueTable
			Name      *string // a bare Table (aws glue get-table --query Table)
		}
		if err := json.Unmarshal(data, &wrapper); err != nil {
			return nil, fmt.Errorf("not a Glue GetTables or GetTable answer: %w", err)
		}
		switch {
		case wrapper.Name != nil && wrapper.TableList == nil && wrapper.Table == nil:
			var t glueTable
			if err := json.Unmarshal(data, &t); err != nil {
				return nil, fmt.Errorf("not a Glue table: %w", err)
			}
			tables = []glueTable{t}
		case wrapper.TableList != nil && wrapper.Table != nil:
			return nil, errors.New(`both "TableList" and "Table" are present: give one`)
		case wrapper.TableList != nil:
			tables = *wrapper.TableList
		case wrapper.Table != nil:
			tables = []glueTable{*wrapper.Table}
		default:
			return nil, errors.New(`a JSON object must be a Glue table (with "Name"), or hold "TableList" (aws glue get-tables) or "Table" (aws glue get-table)`)
		}
	default:
		return nil, errors.New("expected a JSON array of Glue tables, or an object with TableList")
	}
	c := &Catalog{tables: make(map[string]Table, len(tables))}
	for i, gt := range tables {
		t, err := gt.table(i)
		if err != nil {
			return nil, err
		}
		key := catalogKey(t.Database, t.Name)
		if _, dup := c.tables[key]; dup {
			return nil, fmt.Errorf("table %d: %s.%s appears twice", i, t.Database, t.Name)
		}
		c.tables[key] = t
		c.order = append(c.order, key)
	}
	return c, nil
}

func (gt glueTable) table(i int) (Table, error) {
	var t Table
	if gt.DatabaseName == nil || strings.TrimSpace(*gt.DatabaseName) == "" {
		return t, fmt.Errorf("table %d: DatabaseName is missing", i)
	}
	if gt.Name == nil || strings.TrimSpace(*gt.Name) == "" {
		return t, fmt.Errorf("table %d (database %s): Name is missing", i, *gt.DatabaseName)
	}
	t.Database, t.Name = *gt.DatabaseName, *gt.Name
	if gt.StorageDescriptor == nil {
		return t, fmt.Errorf("table %s.%s: StorageDescriptor is missing", t.Database, t.Name)
	}
	if len(gt.StorageDescriptor.Columns) == 0 {
		return t, fmt.Errorf("table %s.%s: StorageDescriptor.Columns is empty", t.Database, t.Name)
	}
	for j, col := range gt.StorageDescriptor.Columns {
		if col.Name == nil || strings.TrimSpace(*col.Name) == "" {
			return t, fmt.Errorf("table %s.%s: column %d has no Name", t.Database, t.Name, j)
		}
		if col.Type == nil || strings.TrimSpace(*col.Type) == "" {
			return t, fmt.Errorf("table %s.%s: column %s has no Type", t.Database, t.Name, *col.Name)
		}
		t.Columns = append(t.Columns, Column{Name: *col.Name, Type: *col.Type})
	}
	return t, nil
}

func catalogKey(database, table string) string {
	return strings.ToLower(database) + "\x00" + strings.ToLower(table)
}

// Table returns the table database.table. Names compare case-insensitively,
// as Glue keeps them in lower case.
func (c *Catalog) Table(database, table string) (Table, bool) {
	if c == nil {
		return Table{}, false
	}
	t, ok := c.tables[catalogKey(database, table)]
	if !ok {
		return Table{}, false
	}
	t.Columns = append([]Column(nil), t.Columns...)
	return t, true
}

// Tables lists the catalog's tables in file order.
func (c *Catalog) Tables() []Table {
	if c == nil {
		return nil
	}
	out := make([]Table, 0, len(c.order))
	for _, k := range c.order {
		t := c.tables[k]
		t.Columns = append([]Column(nil), t.Columns...)
		out = append(out, t)
	}
	return out
}
