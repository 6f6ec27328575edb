package process

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileRefuses(t *testing.T) {
	q := func(query string) Spec {
		return Spec{Type: TypeMetadataExtraction, Params: map[string]string{ParamMetadataExtractionQuery: query, ParamJsonParsingEngine: JQ16}}
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "k" + strings.Repeat("x", i) + ":.a"
	}
	tests := []struct {
		name  string
		specs []Spec
		want  string // a part of the message
	}{
		{"unknown type", []Spec{{Type: "Compression"}}, `Processor type "Compression" is not one of`},
		{"duplicate", []Spec{{Type: TypeAppendDelimiterToRecord}, {Type: TypeAppendDelimiterToRecord}}, "more than one AppendDelimiterToRecord"},
		{"unknown parameter", []Spec{{Type: TypeDecompression, Params: map[string]string{ParamDelimiter: "Cg=="}}}, "Delimiter is not a parameter of the Decompression processor"},
		{"parameter of another type", []Spec{{Type: TypeAppendDelimiterToRecord, Params: map[string]string{ParamSubRecordType: "JSON"}}}, "SubRecordType is not a parameter"},
		{"blank value", []Spec{{Type: TypeAppendDelimiterToRecord, Params: map[string]string{ParamDelimiter: "  "}}}, "must not be blank"},
		{"empty value", []Spec{{Type: TypeAppendDelimiterToRecord, Params: map[string]string{ParamDelimiter: ""}}}, "1 to 5120 characters"},
		{"value too long", []Spec{q("{a:.a}" + strings.Repeat(" ", 5120))}, "1 to 5120 characters"},
		{"gzip only", []Spec{{Type: TypeDecompression, Params: map[string]string{ParamCompressionFormat: "ZIP"}}}, "must be GZIP"},
		{"extraction false", []Spec{{Type: TypeDecompression}, {Type: TypeCloudWatchLogProcessing, Params: map[string]string{ParamDataMessageExtraction: "false"}}}, "must be true"},
		{"extraction missing", []Spec{{Type: TypeDecompression}, {Type: TypeCloudWatchLogProcessing}}, "needs the DataMessageExtraction parameter"},
		{"extraction without decompression", []Spec{{Type: TypeCloudWatchLogProcessing, Params: map[string]string{ParamDataMessageExtraction: "true"}}}, "needs the Decompression processor"},
		{"sub-record type missing", []Spec{{Type: TypeRecordDeAggregation}}, "needs the SubRecordType parameter"},
		{"sub-record type bad", []Spec{{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "CSV"}}}, "must be JSON or DELIMITED"},
		{"delimited without delimiter", []Spec{{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "DELIMITED"}}}, "needs a Delimiter"},
		{"delimiter not base64", []Spec{{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "DELIMITED", ParamDelimiter: "####"}}}, "base64"},
		{"json with delimiter", []Spec{{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "JSON", ParamDelimiter: "Cg=="}}}, "only with SubRecordType DELIMITED"},
		{"query missing", []Spec{{Type: TypeMetadataExtraction, Params: map[string]string{ParamJsonParsingEngine: JQ16}}}, "needs the MetadataExtractionQuery parameter"},
		{"engine missing", []Spec{{Type: TypeMetadataExtraction, Params: map[string]string{ParamMetadataExtractionQuery: "{a:.a}"}}}, "needs the JsonParsingEngine parameter"},
		{"engine wrong", []Spec{{Type: TypeMetadataExtraction, Params: map[string]string{ParamMetadataExtractionQuery: "{a:.a}", ParamJsonParsingEngine: "JQ-1.7"}}}, "must be JQ-1.6"},
		{"query syntax", []Spec{q("{a: .a")}, "not a valid jq query"},
		{"query unknown function", []Spec{q("{a: .a | nosuchfunction}")}, "does not compile"},
		{"query post-1.6 builtin", []Spec{q("{a: .a | trim}")}, "calls trim/0, which jq 1.6"},
		{"query post-1.6 builtin in a def", []Spec{q("def f: pick(.a); {a: f}")}, "calls pick/1"},
		{"query import", []Spec{q(`import "x" as x; {a: .a}`)}, "cannot import"},
		{"too many keys", []Spec{q("{" + strings.Join(many, ",") + "}")}, "makes 51 partition keys; the limit is 50"},
		{"lambda arn missing", []Spec{{Type: TypeLambda}}, "needs the LambdaArn parameter"},
		{"lambda arn bad", []Spec{{Type: TypeLambda, Params: map[string]string{ParamLambdaArn: "my-function"}}}, "LambdaArn must be"},
		{"lambda buffer", []Spec{{Type: TypeLambda, Params: map[string]string{ParamLambdaArn: "arn:aws:lambda:us-east-1:1:function:f", ParamBufferSizeInMBs: "4"}}}, "from 0.2 to 3"},
		{"lambda interval", []Spec{{Type: TypeLambda, Params: map[string]string{ParamLambdaArn: "arn:aws:lambda:us-east-1:1:function:f", ParamBufferIntervalInSeconds: "901"}}}, "from 0 to 900"},
		{"lambda retries", []Spec{{Type: TypeLambda, Params: map[string]string{ParamLambdaArn: "arn:aws:lambda:us-east-1:1:function:f", ParamNumberOfRetries: "-1"}}}, "NumberOfRetries"},
		{"append delimiter bad escape", []Spec{{Type: TypeAppendDelimiterToRecord, Params: map[string]string{ParamDelimiter: `\q`}}}, "backslash escapes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compile(tc.specs)
			if err == nil {
				t.Fatalf("Compile = %+v, nil; want an error with %q", c, tc.want)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *ConfigError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestCompileAccepts(t *testing.T) {
	lambda := Spec{Type: TypeLambda, Params: map[string]string{ParamLambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:f",
		ParamNumberOfRetries: "3", ParamBufferSizeInMBs: "0.2", ParamBufferIntervalInSeconds: "60", ParamRoleArn: "arn:aws:iam::123456789012:role/r"}}
	tests := []struct {
		name                  string
		specs                 []Spec
		lambda, partitioned   bool
		wantDelimiter         string
		wantSplit, wantDecomp bool
		wantCWL               bool
		wantJSON              bool
		wantSplitDelimiter    string
	}{
		{name: "none"},
		{name: "lambda", specs: []Spec{lambda}, lambda: true},
		{name: "append newline", specs: []Spec{{Type: TypeAppendDelimiterToRecord}}, wantDelimiter: "\n"},
		{name: "append escaped newline", specs: []Spec{{Type: TypeAppendDelimiterToRecord, Params: map[string]string{ParamDelimiter: `\n`}}}, wantDelimiter: "\n"},
		{name: "append custom", specs: []Spec{{Type: TypeAppendDelimiterToRecord, Params: map[string]string{ParamDelimiter: `|\t\u00e9`}}}, wantDelimiter: "|\té"},
		{name: "decompression default", specs: []Spec{{Type: TypeDecompression}}, wantDecomp: true},
		{name: "cloudwatch", specs: []Spec{{Type: TypeCloudWatchLogProcessing, Params: map[string]string{ParamDataMessageExtraction: "TRUE"}},
			{Type: TypeDecompression, Params: map[string]string{ParamCompressionFormat: "GZIP"}}}, wantDecomp: true, wantCWL: true},
		{name: "json", specs: []Spec{{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "JSON"}}}, wantSplit: true, wantJSON: true},
		{name: "delimited", specs: []Spec{{Type: TypeRecordDeAggregation, Params: map[string]string{ParamSubRecordType: "DELIMITED", ParamDelimiter: "IyMjIw=="}}},
			wantSplit: true, wantSplitDelimiter: "####"},
		{name: "metadata", specs: []Spec{{Type: TypeMetadataExtraction, Params: map[string]string{ParamJsonParsingEngine: JQ16,
			ParamMetadataExtractionQuery: `def trim: .; {customer_id: .customer_id | trim, year: .event_timestamp | strftime("%Y")}`}}}, partitioned: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compile(tc.specs)
			if err != nil {
				t.Fatal(err)
			}
			if c.HasLambda() != tc.lambda || c.Partitioned() != tc.partitioned {
				t.Errorf("HasLambda, Partitioned = %v, %v; want %v, %v", c.HasLambda(), c.Partitioned(), tc.lambda, tc.partitioned)
			}
			if l, ok := c.Lambda(); ok != tc.lambda || (ok && l.Params[ParamLambdaArn] != lambda.Params[ParamLambdaArn]) {
				t.Errorf("Lambda() = %+v, %v", l, ok)
			}
			if string(c.delimiter) != tc.wantDelimiter {
				t.Errorf("delimiter = %q, want %q", c.delimiter, tc.wantDelimiter)
			}
			if c.decompress != tc.wantDecomp || c.cwl != tc.wantCWL || (c.split != nil) != tc.wantSplit {
				t.Errorf("decompress, cwl, split = %v, %v, %v", c.decompress, c.cwl, c.split != nil)
			}
			if c.split != nil && (c.split.json != tc.wantJSON || string(c.split.delimiter) != tc.wantSplitDelimiter) {
				t.Errorf("splitter = %+v", c.split)
			}
		})
	}
}

func TestNilChain(t *testing.T) {
	var c *Chain
	in := []Record{{Data: []byte("x")}}
	if out, failed := c.BeforeLambda(in); len(out) != 1 || failed != nil {
		t.Errorf("BeforeLambda = %v, %v", out, failed)
	}
	if out, failed := c.AfterLambda(in); len(out) != 1 || failed != nil {
		t.Errorf("AfterLambda = %v, %v", out, failed)
	}
	if c.HasLambda() || c.Partitioned() {
		t.Error("a nil chain has processors")
	}
}
