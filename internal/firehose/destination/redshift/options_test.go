package redshift

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseCopyOptions(t *testing.T) {
	tests := []struct {
		in   string
		want Options
	}{
		{"", Options{}},
		{"JSON 'auto'", Options{Format: FormatJSON}},
		{"json", Options{Format: FormatJSON}},
		{"FORMAT AS JSON 'AUTO IGNORECASE'", Options{Format: FormatJSON, JSONIgnoreCase: true}},
		{"json as 'auto' gzip", Options{Format: FormatJSON, Gzip: true}},
		{"CSV", Options{Format: FormatCSV}},
		{"csv quote as '%' delimiter ';' ignoreheader 1", Options{Format: FormatCSV, Quote: '%', Delimiter: ';', IgnoreHeader: 1}},
		{"FORMAT CSV, QUOTE '''', DELIMITER AS '\\t'", Options{Format: FormatCSV, Quote: '\'', Delimiter: '\t'}},
		{`DELIMITER '\011'`, Options{Delimiter: '\t'}},
		{`DELIMITER '\\' `, Options{Delimiter: '\\'}},
		{`NULL AS '\N'`, Options{NullAs: `\N`, HasNullAs: true}},
		{`NULL AS '\0'`, Options{NullAs: "\x00", HasNullAs: true}},
		{`NULL AS 'it''s'`, Options{NullAs: "it's", HasNullAs: true}},
		{"EMPTYASNULL BLANKSASNULL TRUNCATECOLUMNS TRIMBLANKS ROUNDEC FILLRECORD IGNOREBLANKLINES ESCAPE",
			Options{EmptyAsNull: true, BlanksAsNull: true, TruncateCols: true, TrimBlanks: true, RoundDec: true, FillRecord: true, IgnoreBlank: true, Escape: true}},
		{"TIMEFORMAT 'auto' DATEFORMAT AS 'auto'", Options{TimeFormat: TimeAuto, DateFormat: TimeAuto}},
		{"TIMEFORMAT AS 'epochmillisecs'", Options{TimeFormat: TimeEpochMilli}},
		{"MAXERROR 10", Options{MaxError: 10, HasMaxError: true}},
		{"maxerror as 100000", Options{MaxError: 100000, HasMaxError: true}},
		{"IGNOREALLERRORS", Options{IgnoreAll: true}},
		{"ACCEPTINVCHARS", Options{AcceptInvChars: '?'}},
		{"ACCEPTINVCHARS AS '^'", Options{AcceptInvChars: '^'}},
		{"ENCODING UTF8", Options{Encoding: true}},
		{"COMPUPDATE OFF STATUPDATE ON", Options{HasCompUpdate: true, CompUpdate: "OFF", HasStatUpdate: true, StatUpdate: true}},
		{"COMPUPDATE STATUPDATE", Options{HasCompUpdate: true, CompUpdate: "ON", HasStatUpdate: true, StatUpdate: true}},
		{"STATUPDATE FALSE", Options{HasStatUpdate: true}},
	}
	for _, tt := range tests {
		got, err := ParseCopyOptions(tt.in)
		if err != nil {
			t.Errorf("ParseCopyOptions(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCopyOptions(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		again, err := ParseCopyOptions(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("String() = %q parses to %+v, %v", got.String(), again, err)
		}
	}
}

func TestParseCopyOptionsRefused(t *testing.T) {
	tests := []struct{ in, option, says string }{
		{"JSON 's3://bucket/paths.json'", "JSON", "JSONPaths"},
		{"JSON 'noshred'", "JSON", "noshred"},
		{"JSON 'other'", "JSON", "not a JSON option"},
		{"JSON AS", "JSON", "quoted argument"},
		{"AVRO 'auto'", "AVRO", "AVRO is not supported"},
		{"FORMAT AS PARQUET", "PARQUET", "PARQUET"},
		{"FIXEDWIDTH 'a:1'", "FIXEDWIDTH", "FIXEDWIDTH"},
		{"REGION 'us-east-1'", "REGION", "REGION"},
		{"MANIFEST", "MANIFEST", "twice"},
		{"iam_role 'arn:aws:iam::1:role/r'", "IAM_ROLE", "IAM_ROLE"},
		{"BZIP2", "BZIP2", "GZIP"},
		{"GZIP GZIP", "GZIP", "given twice"},
		{"JSON 'auto' CSV", "CSV", "cannot be used with JSON"},
		{"JSON 'auto' DELIMITER ','", "DELIMITER", "cannot be used with JSON"},
		{"JSON 'auto' NULL AS 'x'", "NULL AS", "cannot be used with JSON"},
		{"QUOTE '\"'", "QUOTE", "only with CSV"},
		{"CSV ESCAPE", "ESCAPE", "CSV"},
		{"CSV QUOTE ',' ", "DELIMITER", "same character"},
		{"MAXERROR 100001", "MAXERROR", "out of range"},
		{"MAXERROR 'x'", "MAXERROR", "number"},
		{"MAXERROR 1 IGNOREALLERRORS", "IGNOREALLERRORS", "MAXERROR"},
		{"TIMEFORMAT 'YYYY-MM-DD HH:MI:SS'", "TIMEFORMAT", "not supported"},
		{"TIMEFORMAT 'AUTO'", "TIMEFORMAT", "not supported"},
		{"DATEFORMAT 'MM-DD-YYYY'", "DATEFORMAT", "not supported"},
		{"DELIMITER 'ab'", "DELIMITER", "single ASCII"},
		{`DELIMITER '\n'`, "DELIMITER", "newline"},
		{`DELIMITER '\0'`, "DELIMITER", "NUL"},
		{"ENCODING UTF16", "ENCODING", "UTF8"},
		{"NULL 'x'", "NULL", "AS"},
		{"NULL AS 'a|b'", "NULL AS", "delimiter"},
		{"NOSUCHOPTION", "NOSUCHOPTION", "unknown"},
		{"'dangling'", "", "quoted"},
		{"DELIMITER 'x", "", "unterminated"},
		{"JSON 'auto';", "", "unexpected character"},
		{"ACCEPTINVCHARS AS 'é'", "ACCEPTINVCHARS", "single ASCII"},
	}
	for _, tt := range tests {
		_, err := ParseCopyOptions(tt.in)
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Errorf("ParseCopyOptions(%q) = %v, want an *OptionError", tt.in, err)
			continue
		}
		if oe.Option != tt.option || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("ParseCopyOptions(%q): option %q, %q; want option %q saying %q", tt.in, oe.Option, err, tt.option, tt.says)
		}
	}
}

// FuzzParseCopyOptions checks that the parser never panics and that what
// it accepts prints as options that parse to the same thing.
func FuzzParseCopyOptions(f *testing.F) {
	for _, s := range []string{
		"JSON 'auto ignorecase' GZIP MAXERROR 5",
		"CSV QUOTE AS '''' DELIMITER '\\t' IGNOREHEADER 1 NULL AS 'a\\'b' EMPTYASNULL",
		"DELIMITER '|' ESCAPE FILLRECORD ACCEPTINVCHARS AS '^' TIMEFORMAT 'epochsecs'",
		"format as csv, compupdate off, statupdate on, truncatecolumns",
		"NULL AS '\\0' DATEFORMAT 'auto'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseCopyOptions(s)
		if err != nil {
			var oe *OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("error %v is not an *OptionError", err)
			}
			return
		}
		again, err := ParseCopyOptions(o.String())
		if err != nil {
			t.Fatalf("%q -> %q: %v", s, o.String(), err)
		}
		if !reflect.DeepEqual(again, o) {
			t.Fatalf("%q -> %q -> %+v, want %+v", s, o.String(), again, o)
		}
	})
}
