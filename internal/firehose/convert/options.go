package convert

import (
	"errors"
	"fmt"
	"strings"
)

// Deserializer is InputFormatConfiguration.Deserializer: one of OpenX and
// Hive. Both nil is the OpenX JSON SerDe with its defaults.
type Deserializer struct {
	OpenX *OpenX
	Hive  *Hive
}

// OpenX is OpenXJsonSerDe.
type OpenX struct {
	// CaseInsensitive (default true when nil): JSON keys are lower-cased
	// before they are matched with column names.
	CaseInsensitive *bool
	// ColumnToJSONKeyMappings maps a column name to the JSON key that holds
	// its value, for keys that are Hive keywords such as "timestamp".
	ColumnToJSONKeyMappings map[string]string
	// ConvertDotsInJSONKeysToUnderscores replaces '.' with '_' in every
	// JSON key, so "a.b" fills column a_b.
	ConvertDotsInJSONKeysToUnderscores bool
}

// Hive is HiveJsonSerDe.
type Hive struct {
	// TimestampFormats are Joda-Time DateTimeFormat patterns, or the special
	// value "millis" (epoch milliseconds), tried in order before
	// java.sql.Timestamp.valueOf's format.
	TimestampFormats []string
}

// Parquet is ParquetSerDe, as given (zero: AWS's default).
type Parquet struct {
	// Compression: UNCOMPRESSED, GZIP or SNAPPY (default).
	Compression string
	// BlockSizeBytes: the row group size (default 256 MiB, at least 64 MiB).
	BlockSizeBytes int64
	// PageSizeBytes: the page size (default 1 MiB, at least 64 KiB).
	PageSizeBytes int64
	// MaxPaddingBytes: the most padding to align row groups with HDFS blocks
	// (default 0, at least 0).
	MaxPaddingBytes int64
	// EnableDictionaryCompression: dictionary-encode columns. The API's
	// default when the member is omitted is DefaultEnableDictionaryCompression.
	EnableDictionaryCompression bool
	// WriterVersion: V1 (default) or V2, the data page format.
	WriterVersion string
}

// Options is one delivery stream's DataFormatConversionConfiguration with
// ParquetSerDe, resolved: the table comes from the Catalog.
type Options struct {
	Table Table
	In    Deserializer
	Out   Parquet
}

// ParquetSerDe's documented defaults and bounds.
const (
	DefaultParquetCompression = "SNAPPY"
	DefaultBlockSizeBytes     = 256 << 20
	MinBlockSizeBytes         = 64 << 20
	DefaultPageSizeBytes      = 1 << 20
	MinPageSizeBytes          = 64 << 10
	DefaultWriterVersion      = "V1"
	// DefaultEnableDictionaryCompression is what an omitted
	// EnableDictionaryCompression means: AWS documents no default, and the
	// ParquetSerDe it names (Hive's, over parquet-mr) enables dictionary
	// encoding unless told otherwise (parquet.enable.dictionary=true).
	DefaultEnableDictionaryCompression = true
	// maxSerDeInt is the largest value of ParquetSerDe's Integer members.
	maxSerDeInt = 1<<31 - 1
)

// ParquetExtension is what Firehose appends to the S3 object name of a
// file converted to Parquet (".orc" for ORC); a destination's FileExtension
// replaces it. See
// https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html.
const ParquetExtension = ".parquet"

// ORCExtension is the object name extension for ORC output; Sluice refuses
// ORC (ErrORCUnsupported), so no object carries it.
const ORCExtension = ".orc"

// FileExtension is the extension Firehose gives a converted object: custom
// (ExtendedS3DestinationConfiguration.FileExtension) when set, otherwise
// ".parquet" or ".orc" for the serializer.
func FileExtension(serializer, custom string) string {
	if custom != "" {
		return custom
	}
	if strings.EqualFold(serializer, "ORC") || strings.EqualFold(serializer, "OrcSerDe") {
		return ORCExtension
	}
	return ParquetExtension
}

// ErrORCUnsupported refuses OrcSerDe.
var ErrORCUnsupported = errors.New("sluice cannot write ORC: no maintained Go ORC writer exists " +
	"(github.com/scritchley/orc, the only established one, has had no release, no commit since 2021-05-13, " +
	"and its README does not recommend its writer); use ParquetSerDe")

// ValidateORC answers whether an OrcSerDe serializer can be used: it never
// can, and the error says why.
func ValidateORC() error { return ErrORCUnsupported }

// Validate refuses, with a message for InvalidArgumentException, what
// cannot be converted: a table without columns, a column type Sluice cannot
// map (or Hive cannot hold), both deserializers at once, a Joda pattern it
// cannot translate, and ParquetSerDe values outside AWS's bounds.
func (o Options) Validate() error {
	_, err := o.compile()
	return err
}

func (o Options) validateOut() error {
	switch o.Out.Compression {
	case "", "UNCOMPRESSED", "GZIP", "SNAPPY":
	default:
		return fmt.Errorf("ParquetSerDe.Compression %q is not one of UNCOMPRESSED, GZIP, SNAPPY", o.Out.Compression)
	}
	switch o.Out.WriterVersion {
	case "", "V1", "V2":
	default:
		return fmt.Errorf("ParquetSerDe.WriterVersion %q is not one of V1, V2", o.Out.WriterVersion)
	}
	if b := o.Out.BlockSizeBytes; b != 0 && (b < MinBlockSizeBytes || b > maxSerDeInt) {
		return fmt.Errorf("ParquetSerDe.BlockSizeBytes %d is outside %d..%d", b, MinBlockSizeBytes, maxSerDeInt)
	}
	if p := o.Out.PageSizeBytes; p != 0 && (p < MinPageSizeBytes || p > maxSerDeInt) {
		return fmt.Errorf("ParquetSerDe.PageSizeBytes %d is outside %d..%d", p, MinPageSizeBytes, maxSerDeInt)
	}
	if m := o.Out.MaxPaddingBytes; m < 0 || m > maxSerDeInt {
		return fmt.Errorf("ParquetSerDe.MaxPaddingBytes %d is outside 0..%d", m, maxSerDeInt)
	}
	return nil
}

// compiled is Options checked and made ready to convert.
type compiled struct {
	opts    Options
	columns []field // the table's columns, parsed
	// Deserializer behaviour.
	hive            bool
	caseInsensitive bool
	dots            bool
	mapping         map[string]string // lower-cased column name (or exact) -> JSON key
	formats         []timestampFormat
	// Serializer.
	compression  string
	blockSize    int64
	pageSize     int64
	dictionary   bool
	writerV2     bool
	totalLeaves  int
	columnLeaves []int // first leaf column of each table column
}

func (o Options) compile() (*compiled, error) {
	c := &compiled{opts: o}
	if o.In.OpenX != nil && o.In.Hive != nil {
		return nil, errors.New("InputFormatConfiguration.Deserializer must hold one of OpenXJsonSerDe and HiveJsonSerDe, not both")
	}
	if err := o.validateOut(); err != nil {
		return nil, err
	}
	t := o.Table
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("table %s.%s has no columns", t.Database, t.Name)
	}
	c.hive = o.In.Hive != nil
	c.caseInsensitive = true
	if x := o.In.OpenX; x != nil {
		if x.CaseInsensitive != nil {
			c.caseInsensitive = *x.CaseInsensitive
		}
		c.dots = x.ConvertDotsInJSONKeysToUnderscores
		for col, key := range x.ColumnToJSONKeyMappings {
			if strings.TrimSpace(col) == "" || key == "" {
				return nil, fmt.Errorf("OpenXJsonSerDe.ColumnToJsonKeyMappings has an empty column name or JSON key (%q: %q)", col, key)
			}
			if c.mapping == nil {
				c.mapping = map[string]string{}
			}
			c.mapping[c.fold(col)] = c.fold(key)
		}
	}
	if h := o.In.Hive; h != nil {
		for _, f := range h.TimestampFormats {
			tf, err := compileTimestampFormat(f)
			if err != nil {
				return nil, fmt.Errorf("HiveJsonSerDe.TimestampFormats: %w", err)
			}
			c.formats = append(c.formats, tf)
		}
	}
	seen := map[string]bool{}
	for _, col := range t.Columns {
		name := strings.TrimSpace(col.Name)
		if name == "" {
			return nil, fmt.Errorf("table %s.%s has a column without a name", t.Database, t.Name)
		}
		if seen[strings.ToLower(name)] {
			return nil, fmt.Errorf("table %s.%s has column %q twice", t.Database, t.Name, name)
		}
		seen[strings.ToLower(name)] = true
		if c.hive && strings.Contains(name, ".") {
			return nil, fmt.Errorf("table %s.%s: column %q has a period in its name, which HiveJsonSerDe does not allow", t.Database, t.Name, name)
		}
		typ, err := parseHiveType(col.Type)
		if err != nil {
			return nil, fmt.Errorf("table %s.%s: column %s: %w", t.Database, t.Name, name, err)
		}
		c.columns = append(c.columns, field{name: name, typ: typ})
		c.columnLeaves = append(c.columnLeaves, c.totalLeaves)
		c.totalLeaves += typ.leaves
	}
	c.compression = o.Out.Compression
	if c.compression == "" {
		c.compression = DefaultParquetCompression
	}
	c.blockSize = o.Out.BlockSizeBytes
	if c.blockSize == 0 {
		c.blockSize = DefaultBlockSizeBytes
	}
	c.pageSize = o.Out.PageSizeBytes
	if c.pageSize == 0 {
		c.pageSize = DefaultPageSizeBytes
	}
	c.dictionary = o.Out.EnableDictionaryCompression
	c.writerV2 = o.Out.WriterVersion == "V2"
	return c, nil
}

// fold is how names compare under the deserializer: lower-cased when it is
// case-insensitive.
func (c *compiled) fold(s string) string {
	if c.caseInsensitive {
		return strings.ToLower(s)
	}
	return s
}
