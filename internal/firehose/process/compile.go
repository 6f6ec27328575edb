package process

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Processor types, as the API spells them.
const (
	TypeRecordDeAggregation     = "RecordDeAggregation"
	TypeDecompression           = "Decompression"
	TypeCloudWatchLogProcessing = "CloudWatchLogProcessing"
	TypeLambda                  = "Lambda"
	TypeMetadataExtraction      = "MetadataExtraction"
	TypeAppendDelimiterToRecord = "AppendDelimiterToRecord"
)

// Processor parameter names, as the API spells them.
const (
	ParamLambdaArn               = "LambdaArn"
	ParamNumberOfRetries         = "NumberOfRetries"
	ParamMetadataExtractionQuery = "MetadataExtractionQuery"
	ParamJsonParsingEngine       = "JsonParsingEngine"
	ParamRoleArn                 = "RoleArn"
	ParamBufferSizeInMBs         = "BufferSizeInMBs"
	ParamBufferIntervalInSeconds = "BufferIntervalInSeconds"
	ParamSubRecordType           = "SubRecordType"
	ParamDelimiter               = "Delimiter"
	ParamCompressionFormat       = "CompressionFormat"
	ParamDataMessageExtraction   = "DataMessageExtraction"
)

// Limits AWS documents.
const (
	// MaxParamValue is the length limit of a ProcessorParameter value.
	MaxParamValue = 5120
	// MaxSubRecords is the most records RecordDeAggregation splits one
	// record into; a record holding more passes whole.
	MaxSubRecords = 500
	// MaxPartitionKeys is the most keys a MetadataExtraction query may
	// produce (the limit the AWS CDK enforces for Firehose).
	MaxPartitionKeys = 50
	// JQ16 is the only JsonParsingEngine.
	JQ16 = "JQ-1.6"
)

// Spec is one configured processor (Type and Parameters exactly as the API
// spells them).
type Spec struct {
	Type   string
	Params map[string]string
}

// params lists each type's allowed parameters, the required ones first.
var params = map[string]struct{ required, optional []string }{
	TypeLambda: {
		[]string{ParamLambdaArn},
		[]string{ParamNumberOfRetries, ParamRoleArn, ParamBufferSizeInMBs, ParamBufferIntervalInSeconds},
	},
	TypeDecompression:           {nil, []string{ParamCompressionFormat}},
	TypeCloudWatchLogProcessing: {[]string{ParamDataMessageExtraction}, nil},
	TypeRecordDeAggregation:     {[]string{ParamSubRecordType}, []string{ParamDelimiter}},
	TypeMetadataExtraction:      {[]string{ParamMetadataExtractionQuery, ParamJsonParsingEngine}, nil},
	TypeAppendDelimiterToRecord: {nil, []string{ParamDelimiter}},
}

// Chain is a compiled processing configuration. It is immutable and safe
// for concurrent use; a nil *Chain processes nothing.
type Chain struct {
	kinesis    bool
	decompress bool
	cwl        bool
	split      *splitter
	lambda     *Spec
	meta       *extractor
	delimiter  []byte
}

// Option changes how Compile builds a Chain.
type Option func(*Chain)

// KinesisSource makes BeforeLambda undo KPL aggregation first, as Firehose
// does for every record it reads from a Kinesis data stream (with or
// without processors: compile an empty list for a stream without
// processing).
func KinesisSource() Option {
	return func(c *Chain) { c.kinesis = true }
}

// Compile validates the processors (types, required and allowed
// parameters, values, duplicates, the jq query compiles, JsonParsingEngine
// is JQ-1.6) and returns a Chain. Its error message is what the API
// answers in InvalidArgumentException. Lambda specs are accepted and
// skipped (the caller runs them); AppendDelimiterToRecord is run here.
func Compile(specs []Spec, opts ...Option) (*Chain, error) {
	c := &Chain{}
	for _, o := range opts {
		o(c)
	}
	seen := map[string]bool{}
	for _, s := range specs {
		allowed, ok := params[s.Type]
		if !ok {
			return nil, invalid("Processor type %q is not one of RecordDeAggregation, Decompression, CloudWatchLogProcessing, Lambda, MetadataExtraction and AppendDelimiterToRecord.", s.Type)
		}
		if seen[s.Type] {
			return nil, invalid("The processing configuration has more than one %s processor; each processor type may appear once.", s.Type)
		}
		seen[s.Type] = true
		for _, name := range sortedKeys(s.Params) {
			if !slices.Contains(allowed.required, name) && !slices.Contains(allowed.optional, name) {
				return nil, invalid("%s is not a parameter of the %s processor.", name, s.Type)
			}
			if err := checkValue(name, s.Params[name]); err != nil {
				return nil, err
			}
		}
		for _, name := range allowed.required {
			if _, ok := s.Params[name]; !ok {
				return nil, invalid("The %s processor needs the %s parameter.", s.Type, name)
			}
		}
		if err := c.add(s); err != nil {
			return nil, err
		}
	}
	if c.cwl && !c.decompress {
		return nil, invalid("The CloudWatchLogProcessing processor needs the Decompression processor: it reads decompressed CloudWatch Logs records.")
	}
	return c, nil
}

// checkValue checks a parameter value against the API's constraints on
// ProcessorParameter values: 1 to 5120 characters, not blank.
func checkValue(name, v string) error {
	if n := utf8.RuneCountInString(v); n < 1 || n > MaxParamValue {
		return invalid("The value of %s must be 1 to %d characters long; it is %d.", name, MaxParamValue, n)
	}
	if strings.TrimSpace(v) == "" || v[0] == '\n' || v[0] == '\r' {
		return invalid("The value of %s must not be blank or start with a line break.", name)
	}
	return nil
}

// add compiles one validated spec into the chain.
func (c *Chain) add(s Spec) error {
	p := s.Params
	switch s.Type {
	case TypeLambda:
		return c.addLambda(s)
	case TypeDecompression:
		if f, ok := p[ParamCompressionFormat]; ok && f != "GZIP" {
			return invalid("CompressionFormat of the Decompression processor must be GZIP, not %q.", f)
		}
		c.decompress = true
	case TypeCloudWatchLogProcessing:
		if v := p[ParamDataMessageExtraction]; !strings.EqualFold(v, "true") {
			return invalid("DataMessageExtraction of the CloudWatchLogProcessing processor must be true, not %q.", v)
		}
		c.cwl = true
	case TypeRecordDeAggregation:
		sp, err := newSplitter(p[ParamSubRecordType], p[ParamDelimiter], hasKey(p, ParamDelimiter))
		if err != nil {
			return err
		}
		c.split = sp
	case TypeMetadataExtraction:
		if e := p[ParamJsonParsingEngine]; e != JQ16 {
			return invalid("JsonParsingEngine must be %s, not %q.", JQ16, e)
		}
		m, err := newExtractor(p[ParamMetadataExtractionQuery])
		if err != nil {
			return err
		}
		c.meta = m
	case TypeAppendDelimiterToRecord:
		c.delimiter = []byte{'\n'}
		if v, ok := p[ParamDelimiter]; ok {
			d, err := unescape(v)
			if err != nil || len(d) == 0 {
				return invalid("Delimiter of the AppendDelimiterToRecord processor must be a non-empty string, with backslash escapes such as \\n: %q.", v)
			}
			c.delimiter = d
		}
	}
	return nil
}

// addLambda checks a Lambda spec's values; the caller runs the function.
func (c *Chain) addLambda(s Spec) error {
	p := s.Params
	if !strings.HasPrefix(p[ParamLambdaArn], "arn:") {
		return invalid("LambdaArn must be a Lambda function ARN: %q.", p[ParamLambdaArn])
	}
	if v, ok := p[ParamNumberOfRetries]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return invalid("NumberOfRetries must be a whole number, 0 or more: %q.", v)
		}
	}
	if v, ok := p[ParamBufferSizeInMBs]; ok {
		if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0.2 || f > 3 {
			return invalid("BufferSizeInMBs of the Lambda processor must be from 0.2 to 3: %q.", v)
		}
	}
	if v, ok := p[ParamBufferIntervalInSeconds]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 900 {
			return invalid("BufferIntervalInSeconds of the Lambda processor must be a whole number from 0 to 900: %q.", v)
		}
	}
	if v, ok := p[ParamRoleArn]; ok && !strings.HasPrefix(v, "arn:") {
		return invalid("RoleArn must be an IAM role ARN: %q.", v)
	}
	l := Spec{Type: s.Type, Params: make(map[string]string, len(p))}
	for k, v := range p {
		l.Params[k] = v
	}
	c.lambda = &l
	return nil
}

// HasLambda reports whether the configuration has a Lambda processor.
func (c *Chain) HasLambda() bool { return c != nil && c.lambda != nil }

// Lambda returns the Lambda processor's spec (a copy), if there is one.
func (c *Chain) Lambda() (Spec, bool) {
	if !c.HasLambda() {
		return Spec{}, false
	}
	l := Spec{Type: c.lambda.Type, Params: make(map[string]string, len(c.lambda.Params))}
	for k, v := range c.lambda.Params {
		l.Params[k] = v
	}
	return l, true
}

// Partitioned reports whether the configuration has a MetadataExtraction
// processor (partitionKeyFromQuery keys).
func (c *Chain) Partitioned() bool { return c != nil && c.meta != nil }

// decodeDelimiter decodes RecordDeAggregation's base64 Delimiter.
func decodeDelimiter(v string) ([]byte, error) {
	d, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(d) == 0 {
		return nil, invalid("Delimiter of the RecordDeAggregation processor must be a non-empty delimiter in base64 (for #### it is IyMjIw==): %q.", v)
	}
	return d, nil
}

// unescape reads AppendDelimiterToRecord's Delimiter: text in which \n,
// \r, \t, \\, \/, \" and \uXXXX stand for their characters, as in the
// "\\n" of AWS's examples.
func unescape(v string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' {
			out = append(out, v[i])
			continue
		}
		i++
		if i == len(v) {
			return nil, errors.New("trailing backslash")
		}
		switch v[i] {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '\\', '/', '"':
			out = append(out, v[i])
		case 'u':
			if i+4 >= len(v) {
				return nil, errors.New("short \\u escape")
			}
			n, err := strconv.ParseUint(v[i+1:i+5], 16, 16)
			if err != nil {
				return nil, err
			}
			out = utf8.AppendRune(out, rune(n))
			i += 4
		default:
			return nil, fmt.Errorf("unknown escape \\%c", v[i])
		}
	}
	return out, nil
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ConfigError is a processing configuration Compile refuses. Its message
// is the prose the API answers in InvalidArgumentException.
type ConfigError struct{ msg string }

func (e *ConfigError) Error() string { return e.msg }

func invalid(format string, a ...any) error {
	return &ConfigError{fmt.Sprintf(format, a...)}
}
