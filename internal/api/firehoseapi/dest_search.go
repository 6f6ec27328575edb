package firehoseapi

import (
	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

// The search destinations: Amazon OpenSearch Service
// (AmazonopensearchserviceDestinationConfiguration), its predecessor
// Elasticsearch (same members) and OpenSearch Serverless; their Updates and
// Descriptions. VpcConfiguration is refused: Sluice has no VPCs.

// searchMembers are the OpenSearch Service and Elasticsearch members; the
// model names their shapes after the service (prefix).
func searchMembers(prefix string) []shape.Member {
	return []shape.Member{
		shape.Req("RoleARN", roleARNShape),
		shape.Opt("DomainARN", pattern(shape.Str().Len(1, 512), `arn:.*:es:[a-zA-Z0-9\-]+:\d{12}:domain/[a-z][-0-9a-z]{2,27}`)),
		shape.Opt("ClusterEndpoint", pattern(shape.Str().Len(1, 512), `https:.*`)),
		shape.Req("IndexName", anyText(1, 80)),
		shape.Opt("TypeName", anyText(0, 100)),
		shape.Opt("IndexRotationPeriod", shape.Str().OneOf("NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth")),
		shape.Opt("BufferingHints", intervalFirst(prefix+"BufferingHints", 100, 900)),
		shape.Opt("RetryOptions", retryShape(prefix+"RetryOptions")),
		shape.Opt("S3BackupMode", shape.Str().OneOf("FailedDocumentsOnly", "AllDocuments")),
		shape.Req("S3Configuration", s3Configuration),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
		shape.Opt("VpcConfiguration", vpcConfiguration),
		shape.Opt("DocumentIdOptions", shape.Struct(
			shape.Req("DefaultDocumentIdFormat", shape.Str().OneOf("FIREHOSE_DEFAULT", "NO_DOCUMENT_ID")),
		).Named("DocumentIdOptions")),
	}
}

var (
	openSearchConfiguration    = shape.Struct(searchMembers("Amazonopensearchservice")...).Named("AmazonopensearchserviceDestinationConfiguration")
	elasticsearchConfiguration = shape.Struct(searchMembers("Elasticsearch")...).Named("ElasticsearchDestinationConfiguration")
	// The Updates can change neither the VPC nor the backup mode.
	openSearchUpdate    = updateOf(openSearchConfiguration, "AmazonopensearchserviceDestinationUpdate", "VpcConfiguration", "S3BackupMode")
	elasticsearchUpdate = updateOf(elasticsearchConfiguration, "ElasticsearchDestinationUpdate", "VpcConfiguration", "S3BackupMode")

	serverlessConfiguration = shape.Struct(
		shape.Req("RoleARN", roleARNShape),
		shape.Opt("CollectionEndpoint", pattern(shape.Str().Len(1, 512), `https:.*`)),
		shape.Req("IndexName", anyText(1, 80)),
		shape.Opt("BufferingHints", intervalFirst("AmazonOpenSearchServerlessBufferingHints", 100, 900)),
		shape.Opt("RetryOptions", retryShape("AmazonOpenSearchServerlessRetryOptions")),
		shape.Opt("S3BackupMode", shape.Str().OneOf("FailedDocumentsOnly", "AllDocuments")),
		shape.Req("S3Configuration", s3Configuration),
		shape.Opt("ProcessingConfiguration", processingConfiguration),
		shape.Opt("CloudWatchLoggingOptions", cloudWatchLogging),
		shape.Opt("VpcConfiguration", vpcConfiguration),
	).Named("AmazonOpenSearchServerlessDestinationConfiguration")
	serverlessUpdate = updateOf(serverlessConfiguration, "AmazonOpenSearchServerlessDestinationUpdate", "VpcConfiguration", "S3BackupMode")
)

// searchIn is any of the three search configurations or Updates.
type searchIn struct {
	commonIn
	DomainARN           *string
	ClusterEndpoint     *string
	CollectionEndpoint  *string
	IndexName           *string
	TypeName            *string
	IndexRotationPeriod *string
	VpcConfiguration    *vpcIn
	DocumentIdOptions   *struct {
		DefaultDocumentIdFormat string
	}
}

func (in *searchIn) apply(_ string, d *firehose.Destinations) error {
	if in.VpcConfiguration != nil {
		return errNoVPC("VpcConfiguration")
	}
	s := d.Search
	if err := in.commonIn.apply(&s.Common, &d.S3); err != nil {
		return err
	}
	setStr(&s.DomainARN, in.DomainARN)
	setStr(&s.ClusterEndpoint, in.ClusterEndpoint)
	setStr(&s.CollectionEndpoint, in.CollectionEndpoint)
	setStr(&s.IndexName, in.IndexName)
	setStr(&s.TypeName, in.TypeName)
	setStr(&s.IndexRotation, in.IndexRotationPeriod)
	if o := in.DocumentIdOptions; o != nil {
		s.DocumentIDFormat = o.DefaultDocumentIdFormat
	}
	return nil
}

// searchOut is AmazonopensearchserviceDestinationDescription and
// ElasticsearchDestinationDescription.
type searchOut struct {
	RoleARN                  string             `json:"RoleARN,omitempty"`
	DomainARN                string             `json:"DomainARN,omitempty"`
	ClusterEndpoint          string             `json:"ClusterEndpoint,omitempty"`
	IndexName                string             `json:"IndexName"`
	TypeName                 string             `json:"TypeName,omitempty"`
	IndexRotationPeriod      string             `json:"IndexRotationPeriod,omitempty"`
	BufferingHints           bufferingOut       `json:"BufferingHints"`
	RetryOptions             retryOut           `json:"RetryOptions"`
	S3BackupMode             string             `json:"S3BackupMode"`
	S3DestinationDescription s3Out              `json:"S3DestinationDescription"`
	ProcessingConfiguration  *processingOut     `json:"ProcessingConfiguration,omitempty"`
	CloudWatchLoggingOptions loggingOut         `json:"CloudWatchLoggingOptions"`
	DocumentIdOptions        *documentIDOptions `json:"DocumentIdOptions,omitempty"`
}

type documentIDOptions struct {
	DefaultDocumentIdFormat string `json:"DefaultDocumentIdFormat"`
}

// serverlessOut is AmazonOpenSearchServerlessDestinationDescription.
type serverlessOut struct {
	RoleARN                  string         `json:"RoleARN,omitempty"`
	CollectionEndpoint       string         `json:"CollectionEndpoint,omitempty"`
	IndexName                string         `json:"IndexName"`
	BufferingHints           bufferingOut   `json:"BufferingHints"`
	RetryOptions             retryOut       `json:"RetryOptions"`
	S3BackupMode             string         `json:"S3BackupMode"`
	S3DestinationDescription s3Out          `json:"S3DestinationDescription"`
	ProcessingConfiguration  *processingOut `json:"ProcessingConfiguration,omitempty"`
	CloudWatchLoggingOptions loggingOut     `json:"CloudWatchLoggingOptions"`
}

func describeSearch(d *firehose.Destinations) *searchOut {
	s := d.Search
	out := &searchOut{
		RoleARN: s.RoleARN, DomainARN: s.DomainARN, ClusterEndpoint: s.ClusterEndpoint,
		IndexName: s.IndexName, TypeName: s.TypeName, IndexRotationPeriod: s.IndexRotation,
		BufferingHints:           bufferingOut{SizeInMBs: s.SizeInMBs, IntervalInSeconds: s.IntervalInSeconds},
		RetryOptions:             retryOut{DurationInSeconds: s.RetrySeconds},
		S3BackupMode:             s.S3BackupMode,
		S3DestinationDescription: s3Description(d.S3),
		ProcessingConfiguration:  processingDescription(s.Processing),
		CloudWatchLoggingOptions: loggingDescription(s.Logging),
	}
	if s.DocumentIDFormat != "" {
		out.DocumentIdOptions = &documentIDOptions{s.DocumentIDFormat}
	}
	return out
}

func describeServerless(d *firehose.Destinations) *serverlessOut {
	s := d.Search
	return &serverlessOut{
		RoleARN: s.RoleARN, CollectionEndpoint: s.CollectionEndpoint, IndexName: s.IndexName,
		BufferingHints:           bufferingOut{SizeInMBs: s.SizeInMBs, IntervalInSeconds: s.IntervalInSeconds},
		RetryOptions:             retryOut{DurationInSeconds: s.RetrySeconds},
		S3BackupMode:             s.S3BackupMode,
		S3DestinationDescription: s3Description(d.S3),
		ProcessingConfiguration:  processingDescription(s.Processing),
		CloudWatchLoggingOptions: loggingDescription(s.Logging),
	}
}
