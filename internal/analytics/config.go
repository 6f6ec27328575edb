package analytics

import (
	"context"
	"slices"
)

// AddInput adds the streaming source (an application has at most one).
func (s *Service) AddInput(ctx context.Context, c Caller, name string, ch Change, in Input) (*Application, error) {
	ch.Op = "AddApplicationInput"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		if len(a.Inputs) >= MaxInputs {
			return errInvalid("Application %s already has an input (%s): an application has %d streaming input.", a.Name, a.Inputs[0].ID, MaxInputs)
		}
		if err := s.validateInput(c, &in, true); err != nil {
			return err
		}
		in.ID = nextID(a.Version, ids(a.Inputs))
		a.Inputs = append(a.Inputs, in)
		return nil
	})
}

// input returns the application's input with the ID, or an error.
func input(a *Application, id string) (*Input, error) {
	if in := a.Input(id); in != nil {
		return in, nil
	}
	return nil, errNotFoundItem(a, "input", id)
}

// AddInputProcessing gives an input a Lambda preprocessor.
func (s *Service) AddInputProcessing(ctx context.Context, c Caller, name string, ch Change, inputID string, fn Resource) (*Application, error) {
	ch.Op = "AddApplicationInputProcessingConfiguration"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		in, err := input(a, inputID)
		if err != nil {
			return err
		}
		if in.Processing != nil {
			return errInvalid("Input %s of application %s already has an input processing configuration.", in.ID, a.Name)
		}
		if err := s.checkLambda(fn.ARN, "InputLambdaProcessor"); err != nil {
			return err
		}
		in.Processing = &fn
		return nil
	})
}

// DeleteInputProcessing removes an input's preprocessor.
func (s *Service) DeleteInputProcessing(ctx context.Context, c Caller, name string, ch Change, inputID string) (*Application, error) {
	ch.Op = "DeleteApplicationInputProcessingConfiguration"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		in, err := input(a, inputID)
		if err != nil {
			return err
		}
		if in.Processing == nil {
			return errInvalid("Input %s of application %s has no input processing configuration.", in.ID, a.Name)
		}
		in.Processing = nil
		return nil
	})
}

// AddOutput adds a destination (at most three).
func (s *Service) AddOutput(ctx context.Context, c Caller, name string, ch Change, out Output) (*Application, error) {
	ch.Op = "AddApplicationOutput"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		if len(a.Outputs) >= MaxOutputs {
			return errInvalid("Application %s already has %d outputs, the most an application can have.", a.Name, MaxOutputs)
		}
		if err := s.validateOutput(c, &out, true); err != nil {
			return err
		}
		out.ID = nextID(a.Version, ids(a.Outputs))
		a.Outputs = append(a.Outputs, out)
		return nil
	})
}

// DeleteOutput removes a destination.
func (s *Service) DeleteOutput(ctx context.Context, c Caller, name string, ch Change, outputID string) (*Application, error) {
	ch.Op = "DeleteApplicationOutput"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		return remove(a, &a.Outputs, "output", outputID)
	})
}

// AddReference adds the reference data source (at most one).
func (s *Service) AddReference(ctx context.Context, c Caller, name string, ch Change, r Reference) (*Application, error) {
	ch.Op = "AddApplicationReferenceDataSource"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		if len(a.References) >= MaxReferences {
			return errInvalid("Application %s already has a reference data source (%s): an application has %d.", a.Name, a.References[0].ID, MaxReferences)
		}
		if err := validateReference(&r); err != nil {
			return err
		}
		r.ID = nextID(a.Version, ids(a.References))
		a.References = append(a.References, r)
		return nil
	})
}

// DeleteReference removes the reference data source.
func (s *Service) DeleteReference(ctx context.Context, c Caller, name string, ch Change, referenceID string) (*Application, error) {
	ch.Op = "DeleteApplicationReferenceDataSource"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		return remove(a, &a.References, "reference data source", referenceID)
	})
}

// AddLogging adds a CloudWatch logging option.
func (s *Service) AddLogging(ctx context.Context, c Caller, name string, ch Change, l LoggingOption) (*Application, error) {
	ch.Op = "AddApplicationCloudWatchLoggingOption"
	return s.configure(ctx, c, name, ch, func(a *Application) error { return s.addLogging(a, l) })
}

func (s *Service) addLogging(a *Application, l LoggingOption) error {
	if err := validateLogging(&l); err != nil {
		return err
	}
	if slices.ContainsFunc(a.Logging, func(o LoggingOption) bool { return o.LogStream == l.LogStream }) {
		return errInvalid("Application %s already logs to %s.", a.Name, l.LogStream)
	}
	l.ID = nextID(a.Version, ids(a.Logging))
	a.Logging = append(a.Logging, l)
	return nil
}

// DeleteLogging removes a CloudWatch logging option.
func (s *Service) DeleteLogging(ctx context.Context, c Caller, name string, ch Change, id string) (*Application, error) {
	ch.Op = "DeleteApplicationCloudWatchLoggingOption"
	return s.configure(ctx, c, name, ch, func(a *Application) error {
		return remove(a, &a.Logging, "CloudWatch logging option", id)
	})
}
