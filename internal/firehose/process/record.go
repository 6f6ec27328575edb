package process

// Record is a record passing through processors.
type Record struct {
	Data    []byte
	Arrival int64             // epoch milliseconds
	Keys    map[string]string // partition keys from MetadataExtraction (partitionKeyFromQuery), nil if none
	Seq     uint64            // the parent's log position, carried through unchanged (sub-records keep their parent's)

	// Sub numbers the records BeforeLambda made of one input record, from
	// 0 in order: with Seq it tells apart the sub-records of one record
	// (for Lambda record IDs, and the subsequence number AWS reports).
	Sub int
	// PartitionKey is the Kinesis partition key of a record read from a
	// data stream; KPL de-aggregation gives each user record its own.
	PartitionKey string
	// Raw is what AWS writes as rawData if the record fails at a later
	// step: the record as it arrived, kept by Decompression once it has
	// replaced Data with the decompressed bytes. Nil means Data.
	Raw []byte
}

// RawData is the record's bytes as AWS writes them in error output.
func (r Record) RawData() []byte {
	if r.Raw != nil {
		return r.Raw
	}
	return r.Data
}

// Failure is a record a processor failed, with the error code and message
// AWS writes in its error output.
type Failure struct {
	Record        Record
	Code, Message string
	// Output is the error output type, the value of
	// !{firehose:error-output-type} for the record's error object.
	Output string
}

// Error codes and error output types of the processors run here.
const (
	// CodeMetadataExtractionFailed is AWS's code for a record whose
	// partition keys the MetadataExtraction query could not produce.
	CodeMetadataExtractionFailed = "DynamicPartitioning.MetadataExtractionFailed"
	// CodeDecompressionFailed is Sluice's code for a record Decompression
	// cannot gunzip (AWS does not publish its own).
	CodeDecompressionFailed = "Decompression.DecompressionFailed"
	// CodeNotCloudWatchLogs is Sluice's code for a decompressed record
	// that is not a CloudWatch Logs subscription message.
	CodeNotCloudWatchLogs = "CloudWatchLogProcessing.InvalidRecord"

	// OutputDecompressionFailed is the error output type AWS documents for
	// records that fail decompression.
	OutputDecompressionFailed = "decompression-failed"
	// OutputMetadataExtractionFailed is the error output type of records
	// whose partition keys cannot be extracted.
	OutputMetadataExtractionFailed = "metadata-extraction-failed"
)

// nonJSON is the message AWS writes for a record MetadataExtraction
// cannot parse as JSON.
const nonJSON = "Non JSON record provided"
