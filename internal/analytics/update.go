package analytics

import "context"

// Update is an ApplicationUpdate (v1) or an ApplicationConfigurationUpdate
// (v2): members left nil are unchanged.
type Update struct {
	Code        *string
	ServiceRole *string // v2's ServiceExecutionRoleUpdate
	Inputs      []InputUpdate
	Outputs     []OutputUpdate
	References  []ReferenceUpdate
	Logging     []LoggingUpdate
}

// ResourceUpdate changes a resource's ARN or role.
type ResourceUpdate struct {
	ARN, RoleARN *string
}

func (u *ResourceUpdate) apply(r *Resource) {
	if u.ARN != nil {
		r.ARN = *u.ARN
	}
	if u.RoleARN != nil {
		r.RoleARN = *u.RoleARN
	}
}

// InputUpdate is an InputUpdate.
type InputUpdate struct {
	ID          string
	NamePrefix  *string
	Parallelism *int
	// Source changes the source; SourceKind says which kind of source the
	// update names (an update may switch between streams and delivery
	// streams, and then must give the ARN).
	SourceKind string
	Source     *ResourceUpdate
	Processing *ResourceUpdate
	Schema     *SchemaUpdate
}

// SchemaUpdate is an InputSchemaUpdate: members given replace the
// schema's.
type SchemaUpdate struct {
	Format   *RecordFormat
	Encoding *string
	Columns  []Column // nil: unchanged
}

// OutputUpdate is an OutputUpdate.
type OutputUpdate struct {
	ID              string
	Name            *string
	DestinationKind string
	Destination     *ResourceUpdate
	Format          *string
}

// ReferenceUpdate is a ReferenceDataSourceUpdate.
type ReferenceUpdate struct {
	ID        string
	TableName *string
	Bucket    *ResourceUpdate // BucketARNUpdate and ReferenceRoleARNUpdate
	FileKey   *string
	Schema    *Schema
}

// LoggingUpdate is a CloudWatchLoggingOptionUpdate.
type LoggingUpdate struct {
	ID        string
	LogStream *string
	RoleARN   *string
}

// UpdateApplication applies an update: the items it names by ID must
// exist, and the result is checked as a new configuration is.
func (s *Service) UpdateApplication(ctx context.Context, c Caller, name string, ch Change, u Update) (*Application, error) {
	ch.Op = "UpdateApplication"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		if u.Code != nil {
			a.Code = *u.Code
		}
		if u.ServiceRole != nil && *u.ServiceRole != a.ServiceRole {
			replaceRole(a, a.ServiceRole, *u.ServiceRole)
			a.ServiceRole = *u.ServiceRole
		}
		if err := s.updateInputs(c, a, u.Inputs); err != nil {
			return err
		}
		if err := s.updateOutputs(c, a, u.Outputs); err != nil {
			return err
		}
		if err := updateReferences(a, u.References); err != nil {
			return err
		}
		return updateLogging(a, u.Logging)
	})
}

func (s *Service) updateInputs(c Caller, a *Application, updates []InputUpdate) error {
	if err := once("input", updates); err != nil {
		return err
	}
	for _, u := range updates {
		in, err := input(a, u.ID)
		if err != nil {
			return err
		}
		if u.NamePrefix != nil {
			in.NamePrefix = *u.NamePrefix
		}
		if u.Parallelism != nil {
			in.Parallelism = *u.Parallelism
		}
		sourceChanged, processingChanged := false, false
		if u.Source != nil {
			if u.SourceKind != in.Kind {
				if u.Source.ARN == nil {
					return errInvalid("Input %s changes to a %s source: the update must give its ResourceARN.", in.ID, u.SourceKind)
				}
				in.Kind, in.Source = u.SourceKind, Resource{}
				sourceChanged = true
			}
			old := in.Source.ARN
			u.Source.apply(&in.Source)
			sourceChanged = sourceChanged || in.Source.ARN != old
		}
		if u.Processing != nil {
			if in.Processing == nil {
				return errInvalid("Input %s of application %s has no input processing configuration to update: add one with AddApplicationInputProcessingConfiguration.", in.ID, a.Name)
			}
			old := in.Processing.ARN
			u.Processing.apply(in.Processing)
			processingChanged = in.Processing.ARN != old
		}
		if u.Schema != nil {
			if u.Schema.Format != nil {
				in.Schema.Format = *u.Schema.Format
			}
			if u.Schema.Encoding != nil {
				in.Schema.Encoding = *u.Schema.Encoding
			}
			if u.Schema.Columns != nil {
				in.Schema.Columns = u.Schema.Columns
			}
		}
		if sourceChanged {
			// The last stopped point was in the old source.
			in.Ran = false
		}
		if err := s.validateInput(c, in, false); err != nil {
			return err
		}
		if sourceChanged {
			if err := s.checkSource(c, in.Kind, in.Source.ARN, "input"); err != nil {
				return err
			}
		}
		if processingChanged {
			if err := s.checkLambda(in.Processing.ARN, "InputLambdaProcessor"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) updateOutputs(c Caller, a *Application, updates []OutputUpdate) error {
	if err := once("output", updates); err != nil {
		return err
	}
	for _, u := range updates {
		i, err := find(a, a.Outputs, "output", u.ID)
		if err != nil {
			return err
		}
		out := &a.Outputs[i]
		if u.Name != nil {
			out.Name = *u.Name
		}
		if u.Format != nil {
			out.Format = *u.Format
		}
		changed := false
		if u.Destination != nil {
			if u.DestinationKind != out.Kind {
				changed = true
				if u.Destination.ARN == nil {
					return errInvalid("Output %s changes to a %s destination: the update must give its ResourceARN.", out.ID, u.DestinationKind)
				}
				out.Kind, out.Destination = u.DestinationKind, Resource{}
			}
			old := out.Destination.ARN
			u.Destination.apply(&out.Destination)
			changed = changed || out.Destination.ARN != old
		}
		if err := s.validateOutput(c, out, changed); err != nil {
			return err
		}
	}
	return nil
}

func updateReferences(a *Application, updates []ReferenceUpdate) error {
	if err := once("reference data source", updates); err != nil {
		return err
	}
	for _, u := range updates {
		i, err := find(a, a.References, "reference data source", u.ID)
		if err != nil {
			return err
		}
		r := &a.References[i]
		if u.TableName != nil {
			r.TableName = *u.TableName
		}
		if u.Bucket != nil {
			u.Bucket.apply(&r.Bucket)
		}
		if u.FileKey != nil {
			r.FileKey = *u.FileKey
		}
		if u.Schema != nil {
			r.Schema = *u.Schema
		}
		if err := validateReference(r); err != nil {
			return err
		}
	}
	return nil
}

func updateLogging(a *Application, updates []LoggingUpdate) error {
	if err := once("CloudWatch logging option", updates); err != nil {
		return err
	}
	for _, u := range updates {
		i, err := find(a, a.Logging, "CloudWatch logging option", u.ID)
		if err != nil {
			return err
		}
		l := &a.Logging[i]
		if u.LogStream != nil {
			l.LogStream = *u.LogStream
		}
		if u.RoleARN != nil {
			l.RoleARN = *u.RoleARN
		}
		if err := validateLogging(l); err != nil {
			return err
		}
	}
	return nil
}

// replaceRole gives the resources that used the old service execution
// role the new one (v2 reaches every resource with that role).
func replaceRole(a *Application, old, role string) {
	swap := func(r *Resource) {
		if r.RoleARN == old {
			r.RoleARN = role
		}
	}
	for i := range a.Inputs {
		swap(&a.Inputs[i].Source)
		if a.Inputs[i].Processing != nil {
			swap(a.Inputs[i].Processing)
		}
	}
	for i := range a.Outputs {
		swap(&a.Outputs[i].Destination)
	}
	for i := range a.References {
		swap(&a.References[i].Bucket)
	}
	for i := range a.Logging {
		if a.Logging[i].RoleARN == old {
			a.Logging[i].RoleARN = role
		}
	}
}
