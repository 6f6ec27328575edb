package analyticsapi

import (
	"slices"
	"strings"

	"sluice/internal/analytics"
)

// The request structures both APIs share; v2's lack some members (roles),
// which then stay nil. Converters turn them into the domain's types, with
// v2's ServiceExecutionRole standing in for the roles v2 requests omit.

type resourceIn struct {
	ResourceARN string
	RoleARN     *string
}

func (r *resourceIn) domain(role string) analytics.Resource {
	return analytics.Resource{ARN: r.ResourceARN, RoleARN: valueOr(r.RoleARN, role)}
}

// valueOr is *p, or def when p is nil (a member the request left out).
func valueOr(p *string, def string) string {
	if p != nil {
		return *p
	}
	return def
}

type resourceUpdateIn struct {
	ResourceARNUpdate *string
	RoleARNUpdate     *string
}

func (r *resourceUpdateIn) domain() *analytics.ResourceUpdate {
	return &analytics.ResourceUpdate{ARN: r.ResourceARNUpdate, RoleARN: r.RoleARNUpdate}
}

type columnIn struct {
	Name    string
	Mapping *string
	SqlType string
}

type recordFormatIn struct {
	RecordFormatType  string
	MappingParameters *struct {
		JSONMappingParameters *struct{ RecordRowPath string }
		CSVMappingParameters  *struct{ RecordRowDelimiter, RecordColumnDelimiter string }
	}
}

func (f *recordFormatIn) domain() analytics.RecordFormat {
	out := analytics.RecordFormat{Type: f.RecordFormatType}
	if m := f.MappingParameters; m != nil {
		if j := m.JSONMappingParameters; j != nil {
			out.JSON = &analytics.JSONMapping{RowPath: j.RecordRowPath}
		}
		if c := m.CSVMappingParameters; c != nil {
			out.CSV = &analytics.CSVMapping{RowDelimiter: c.RecordRowDelimiter, ColumnDelimiter: c.RecordColumnDelimiter}
		}
	}
	return out
}

func columnsIn(in []columnIn) []analytics.Column {
	out := make([]analytics.Column, len(in))
	for i, c := range in {
		out[i] = analytics.Column{Name: c.Name, SQLType: c.SqlType, Mapping: c.Mapping}
	}
	return out
}

type schemaIn struct {
	RecordFormat   recordFormatIn
	RecordEncoding *string
	RecordColumns  []columnIn
}

func (s *schemaIn) domain() analytics.Schema {
	return analytics.Schema{Format: s.RecordFormat.domain(), Encoding: valueOr(s.RecordEncoding, ""), Columns: columnsIn(s.RecordColumns)}
}

type inputIn struct {
	NamePrefix                   string
	InputProcessingConfiguration *struct{ InputLambdaProcessor resourceIn }
	KinesisStreamsInput          *resourceIn
	KinesisFirehoseInput         *resourceIn
	InputParallelism             *struct{ Count *int64 }
	InputSchema                  schemaIn
}

// one returns the one member of a union that is given, by name, or an
// InvalidArgumentException when none or several are.
func one(what string, members map[string]bool) (string, error) {
	var given []string
	for name, ok := range members {
		if ok {
			given = append(given, name)
		}
	}
	if len(given) != 1 {
		names := make([]string, 0, len(members))
		for name := range members {
			names = append(names, name)
		}
		slices.Sort(names)
		return "", analytics.InvalidArgument("Exactly one of %s must be given for the %s.", strings.Join(names, ", "), what)
	}
	return given[0], nil
}

func (in *inputIn) domain(role string) (analytics.Input, error) {
	kind, err := one("input", map[string]bool{
		"KinesisStreamsInput":  in.KinesisStreamsInput != nil,
		"KinesisFirehoseInput": in.KinesisFirehoseInput != nil,
	})
	if err != nil {
		return analytics.Input{}, err
	}
	out := analytics.Input{NamePrefix: in.NamePrefix, Parallelism: 1, Schema: in.InputSchema.domain()}
	if kind == "KinesisStreamsInput" {
		out.Kind, out.Source = analytics.KindKinesisStreams, in.KinesisStreamsInput.domain(role)
	} else {
		out.Kind, out.Source = analytics.KindKinesisFirehose, in.KinesisFirehoseInput.domain(role)
	}
	if p := in.InputParallelism; p != nil && p.Count != nil {
		out.Parallelism = int(*p.Count)
	}
	if p := in.InputProcessingConfiguration; p != nil {
		r := p.InputLambdaProcessor.domain(role)
		out.Processing = &r
	}
	return out, nil
}

type outputIn struct {
	Name                  string
	KinesisStreamsOutput  *resourceIn
	KinesisFirehoseOutput *resourceIn
	LambdaOutput          *resourceIn
	DestinationSchema     struct{ RecordFormatType string }
}

func (o *outputIn) domain(role string) (analytics.Output, error) {
	kind, err := one("output", map[string]bool{
		"KinesisStreamsOutput":  o.KinesisStreamsOutput != nil,
		"KinesisFirehoseOutput": o.KinesisFirehoseOutput != nil,
		"LambdaOutput":          o.LambdaOutput != nil,
	})
	if err != nil {
		return analytics.Output{}, err
	}
	out := analytics.Output{Name: o.Name, Format: o.DestinationSchema.RecordFormatType}
	switch kind {
	case "KinesisStreamsOutput":
		out.Kind, out.Destination = analytics.KindKinesisStreams, o.KinesisStreamsOutput.domain(role)
	case "KinesisFirehoseOutput":
		out.Kind, out.Destination = analytics.KindKinesisFirehose, o.KinesisFirehoseOutput.domain(role)
	default:
		out.Kind, out.Destination = analytics.KindLambda, o.LambdaOutput.domain(role)
	}
	return out, nil
}

type referenceIn struct {
	TableName             string
	S3ReferenceDataSource *struct {
		BucketARN        string
		FileKey          string
		ReferenceRoleARN *string
	}
	ReferenceSchema schemaIn
}

func (r *referenceIn) domain(role string) (analytics.Reference, error) {
	s3 := r.S3ReferenceDataSource
	if s3 == nil {
		return analytics.Reference{}, analytics.InvalidArgument("S3ReferenceDataSource must be given for the reference data source.")
	}
	return analytics.Reference{
		TableName: r.TableName, FileKey: s3.FileKey, Schema: r.ReferenceSchema.domain(),
		Bucket: analytics.Resource{ARN: s3.BucketARN, RoleARN: valueOr(s3.ReferenceRoleARN, role)},
	}, nil
}

type loggingIn struct {
	LogStreamARN string
	RoleARN      *string
}

func (l *loggingIn) domain(role string) analytics.LoggingOption {
	return analytics.LoggingOption{LogStream: l.LogStreamARN, RoleARN: valueOr(l.RoleARN, role)}
}

type tagIn struct {
	Key   string
	Value *string
}

func tagsIn(in []tagIn) []analytics.Tag {
	out := make([]analytics.Tag, len(in))
	for i, t := range in {
		out[i] = analytics.Tag{Key: t.Key, Value: valueOr(t.Value, "")}
	}
	return out
}

// Updates.

type inputUpdateIn struct {
	InputId                            string
	NamePrefixUpdate                   *string
	InputProcessingConfigurationUpdate *struct{ InputLambdaProcessorUpdate resourceUpdateIn }
	KinesisStreamsInputUpdate          *resourceUpdateIn
	KinesisFirehoseInputUpdate         *resourceUpdateIn
	InputSchemaUpdate                  *struct {
		RecordFormatUpdate   *recordFormatIn
		RecordEncodingUpdate *string
		RecordColumnUpdates  []columnIn
	}
	InputParallelismUpdate *struct{ CountUpdate *int64 }
}

func (u *inputUpdateIn) domain() (analytics.InputUpdate, error) {
	out := analytics.InputUpdate{ID: u.InputId, NamePrefix: u.NamePrefixUpdate}
	switch {
	case u.KinesisStreamsInputUpdate != nil && u.KinesisFirehoseInputUpdate != nil:
		return out, analytics.InvalidArgument("Only one of KinesisStreamsInputUpdate and KinesisFirehoseInputUpdate can be given for input %s.", u.InputId)
	case u.KinesisStreamsInputUpdate != nil:
		out.SourceKind, out.Source = analytics.KindKinesisStreams, u.KinesisStreamsInputUpdate.domain()
	case u.KinesisFirehoseInputUpdate != nil:
		out.SourceKind, out.Source = analytics.KindKinesisFirehose, u.KinesisFirehoseInputUpdate.domain()
	}
	if p := u.InputProcessingConfigurationUpdate; p != nil {
		out.Processing = p.InputLambdaProcessorUpdate.domain()
	}
	if p := u.InputParallelismUpdate; p != nil && p.CountUpdate != nil {
		n := int(*p.CountUpdate)
		out.Parallelism = &n
	}
	if s := u.InputSchemaUpdate; s != nil {
		su := &analytics.SchemaUpdate{Encoding: s.RecordEncodingUpdate}
		if s.RecordFormatUpdate != nil {
			f := s.RecordFormatUpdate.domain()
			su.Format = &f
		}
		if s.RecordColumnUpdates != nil {
			su.Columns = columnsIn(s.RecordColumnUpdates)
		}
		out.Schema = su
	}
	return out, nil
}

type outputUpdateIn struct {
	OutputId                    string
	NameUpdate                  *string
	KinesisStreamsOutputUpdate  *resourceUpdateIn
	KinesisFirehoseOutputUpdate *resourceUpdateIn
	LambdaOutputUpdate          *resourceUpdateIn
	DestinationSchemaUpdate     *struct{ RecordFormatType string }
}

func (u *outputUpdateIn) domain() (analytics.OutputUpdate, error) {
	out := analytics.OutputUpdate{ID: u.OutputId, Name: u.NameUpdate}
	given := map[string]*resourceUpdateIn{
		analytics.KindKinesisStreams:  u.KinesisStreamsOutputUpdate,
		analytics.KindKinesisFirehose: u.KinesisFirehoseOutputUpdate,
		analytics.KindLambda:          u.LambdaOutputUpdate,
	}
	for kind, r := range given {
		if r == nil {
			continue
		}
		if out.Destination != nil {
			return out, analytics.InvalidArgument("Only one of KinesisStreamsOutputUpdate, KinesisFirehoseOutputUpdate and LambdaOutputUpdate can be given for output %s.", u.OutputId)
		}
		out.DestinationKind, out.Destination = kind, r.domain()
	}
	if d := u.DestinationSchemaUpdate; d != nil {
		out.Format = &d.RecordFormatType
	}
	return out, nil
}

type referenceUpdateIn struct {
	ReferenceId                 string
	TableNameUpdate             *string
	S3ReferenceDataSourceUpdate *struct {
		BucketARNUpdate        *string
		FileKeyUpdate          *string
		ReferenceRoleARNUpdate *string
	}
	ReferenceSchemaUpdate *schemaIn
}

func (u *referenceUpdateIn) domain() analytics.ReferenceUpdate {
	out := analytics.ReferenceUpdate{ID: u.ReferenceId, TableName: u.TableNameUpdate}
	if s := u.S3ReferenceDataSourceUpdate; s != nil {
		out.Bucket = &analytics.ResourceUpdate{ARN: s.BucketARNUpdate, RoleARN: s.ReferenceRoleARNUpdate}
		out.FileKey = s.FileKeyUpdate
	}
	if s := u.ReferenceSchemaUpdate; s != nil {
		sch := s.domain()
		out.Schema = &sch
	}
	return out
}

type loggingUpdateIn struct {
	CloudWatchLoggingOptionId string
	LogStreamARNUpdate        *string
	RoleARNUpdate             *string
}

func (u *loggingUpdateIn) domain() analytics.LoggingUpdate {
	return analytics.LoggingUpdate{ID: u.CloudWatchLoggingOptionId, LogStream: u.LogStreamARNUpdate, RoleARN: u.RoleARNUpdate}
}

// sqlUpdatesIn are the members v1's ApplicationUpdate and v2's
// SqlApplicationConfigurationUpdate share.
func sqlUpdates(u *analytics.Update, inputs []inputUpdateIn, outputs []outputUpdateIn, refs []referenceUpdateIn) error {
	for _, in := range inputs {
		d, err := in.domain()
		if err != nil {
			return err
		}
		u.Inputs = append(u.Inputs, d)
	}
	for _, o := range outputs {
		d, err := o.domain()
		if err != nil {
			return err
		}
		u.Outputs = append(u.Outputs, d)
	}
	for _, r := range refs {
		u.References = append(u.References, r.domain())
	}
	return nil
}
