package analyticsapi

import (
	"sluice/internal/analytics"
)

// The answer structures both APIs share (v2's descriptions give the
// ServiceExecutionRole as each resource's RoleARN).

type resourceOut struct {
	ResourceARN string `json:"ResourceARN"`
	RoleARN     string `json:"RoleARN,omitempty"`
}

func resourceOf(r analytics.Resource) *resourceOut {
	return &resourceOut{ResourceARN: r.ARN, RoleARN: r.RoleARN}
}

type columnOut struct {
	Name    string  `json:"Name"`
	Mapping *string `json:"Mapping,omitempty"`
	SqlType string  `json:"SqlType"`
}

type recordFormatOut struct {
	RecordFormatType  string       `json:"RecordFormatType"`
	MappingParameters *mappingsOut `json:"MappingParameters,omitempty"`
}

type mappingsOut struct {
	JSONMappingParameters *struct {
		RecordRowPath string `json:"RecordRowPath"`
	} `json:"JSONMappingParameters,omitempty"`
	CSVMappingParameters *struct {
		RecordRowDelimiter    string `json:"RecordRowDelimiter"`
		RecordColumnDelimiter string `json:"RecordColumnDelimiter"`
	} `json:"CSVMappingParameters,omitempty"`
}

type schemaOut struct {
	RecordFormat   recordFormatOut `json:"RecordFormat"`
	RecordEncoding string          `json:"RecordEncoding,omitempty"`
	RecordColumns  []columnOut     `json:"RecordColumns"`
}

func schemaOf(s analytics.Schema) *schemaOut {
	out := &schemaOut{
		RecordFormat:   recordFormatOut{RecordFormatType: s.Format.Type},
		RecordEncoding: s.Encoding,
		RecordColumns:  make([]columnOut, len(s.Columns)),
	}
	if s.Format.JSON != nil || s.Format.CSV != nil {
		m := &mappingsOut{}
		if j := s.Format.JSON; j != nil {
			m.JSONMappingParameters = &struct {
				RecordRowPath string `json:"RecordRowPath"`
			}{j.RowPath}
		}
		if c := s.Format.CSV; c != nil {
			m.CSVMappingParameters = &struct {
				RecordRowDelimiter    string `json:"RecordRowDelimiter"`
				RecordColumnDelimiter string `json:"RecordColumnDelimiter"`
			}{c.RowDelimiter, c.ColumnDelimiter}
		}
		out.RecordFormat.MappingParameters = m
	}
	for i, c := range s.Columns {
		out.RecordColumns[i] = columnOut{Name: c.Name, Mapping: c.Mapping, SqlType: c.SQLType}
	}
	return out
}

type inputOut struct {
	InputId                                 string       `json:"InputId"`
	NamePrefix                              string       `json:"NamePrefix"`
	InAppStreamNames                        []string     `json:"InAppStreamNames"`
	InputProcessingConfigurationDescription *processOut  `json:"InputProcessingConfigurationDescription,omitempty"`
	KinesisStreamsInputDescription          *resourceOut `json:"KinesisStreamsInputDescription,omitempty"`
	KinesisFirehoseInputDescription         *resourceOut `json:"KinesisFirehoseInputDescription,omitempty"`
	InputSchema                             *schemaOut   `json:"InputSchema"`
	InputParallelism                        struct {
		Count int `json:"Count"`
	} `json:"InputParallelism"`
	InputStartingPositionConfiguration *positionOut `json:"InputStartingPositionConfiguration,omitempty"`
}

type processOut struct {
	InputLambdaProcessorDescription *resourceOut `json:"InputLambdaProcessorDescription"`
}

type positionOut struct {
	InputStartingPosition string `json:"InputStartingPosition,omitempty"`
}

func inputsOf(a *analytics.Application) []inputOut {
	out := make([]inputOut, len(a.Inputs))
	for i := range a.Inputs {
		in := &a.Inputs[i]
		o := inputOut{InputId: in.ID, NamePrefix: in.NamePrefix, InAppStreamNames: in.StreamNames(), InputSchema: schemaOf(in.Schema)}
		o.InputParallelism.Count = max(in.Parallelism, 1)
		if in.Kind == analytics.KindKinesisStreams {
			o.KinesisStreamsInputDescription = resourceOf(in.Source)
		} else {
			o.KinesisFirehoseInputDescription = resourceOf(in.Source)
		}
		if in.Processing != nil {
			o.InputProcessingConfigurationDescription = &processOut{InputLambdaProcessorDescription: resourceOf(*in.Processing)}
		}
		if in.Position != "" {
			o.InputStartingPositionConfiguration = &positionOut{InputStartingPosition: string(in.Position)}
		}
		out[i] = o
	}
	return out
}

type outputOut struct {
	OutputId                         string       `json:"OutputId"`
	Name                             string       `json:"Name"`
	KinesisStreamsOutputDescription  *resourceOut `json:"KinesisStreamsOutputDescription,omitempty"`
	KinesisFirehoseOutputDescription *resourceOut `json:"KinesisFirehoseOutputDescription,omitempty"`
	LambdaOutputDescription          *resourceOut `json:"LambdaOutputDescription,omitempty"`
	DestinationSchema                struct {
		RecordFormatType string `json:"RecordFormatType"`
	} `json:"DestinationSchema"`
}

func outputsOf(a *analytics.Application) []outputOut {
	out := make([]outputOut, len(a.Outputs))
	for i, o := range a.Outputs {
		d := outputOut{OutputId: o.ID, Name: o.Name}
		d.DestinationSchema.RecordFormatType = o.Format
		switch o.Kind {
		case analytics.KindKinesisStreams:
			d.KinesisStreamsOutputDescription = resourceOf(o.Destination)
		case analytics.KindKinesisFirehose:
			d.KinesisFirehoseOutputDescription = resourceOf(o.Destination)
		default:
			d.LambdaOutputDescription = resourceOf(o.Destination)
		}
		out[i] = d
	}
	return out
}

type referenceOut struct {
	ReferenceId                      string     `json:"ReferenceId"`
	TableName                        string     `json:"TableName"`
	S3ReferenceDataSourceDescription s3RefOut   `json:"S3ReferenceDataSourceDescription"`
	ReferenceSchema                  *schemaOut `json:"ReferenceSchema"`
}

type s3RefOut struct {
	BucketARN        string `json:"BucketARN"`
	FileKey          string `json:"FileKey"`
	ReferenceRoleARN string `json:"ReferenceRoleARN,omitempty"`
}

func referencesOf(a *analytics.Application) []referenceOut {
	out := make([]referenceOut, len(a.References))
	for i, r := range a.References {
		out[i] = referenceOut{
			ReferenceId: r.ID, TableName: r.TableName, ReferenceSchema: schemaOf(r.Schema),
			S3ReferenceDataSourceDescription: s3RefOut{BucketARN: r.Bucket.ARN, FileKey: r.FileKey, ReferenceRoleARN: r.Bucket.RoleARN},
		}
	}
	return out
}

type loggingOut struct {
	CloudWatchLoggingOptionId string `json:"CloudWatchLoggingOptionId"`
	LogStreamARN              string `json:"LogStreamARN"`
	RoleARN                   string `json:"RoleARN,omitempty"`
}

func loggingOf(a *analytics.Application) []loggingOut {
	out := make([]loggingOut, len(a.Logging))
	for i, l := range a.Logging {
		out[i] = loggingOut{CloudWatchLoggingOptionId: l.ID, LogStreamARN: l.LogStream, RoleARN: l.RoleARN}
	}
	return out
}

type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func tagsOf(tags []analytics.Tag) []tagOut {
	out := make([]tagOut, len(tags))
	for i, t := range tags {
		out[i] = tagOut(t)
	}
	return out
}
