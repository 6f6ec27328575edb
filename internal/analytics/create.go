package analytics

import (
	"context"
	"errors"
	"fmt"
)

// CreateParams are CreateApplication's settings. IDs of the items are
// assigned by Create.
type CreateParams struct {
	Name        string
	Description string
	Code        string
	Inputs      []Input
	Outputs     []Output
	References  []Reference
	Logging     []LoggingOption
	Tags        []Tag
	// API2 marks a v2 request, with its ServiceExecutionRole and
	// ApplicationMode.
	API2        bool
	ServiceRole string
	Mode        string
}

// Create creates an application, READY at version 1.
func (s *Service) Create(ctx context.Context, c Caller, p CreateParams) (*Application, error) {
	now := s.now()
	a := &Application{
		ID: newAppID(), Name: p.Name, Account: c.Account, Region: c.Region,
		Description: p.Description, Code: p.Code, Status: StatusReady, Version: 1,
		Created: now, Updated: now, V2: p.API2, ServiceRole: p.ServiceRole, Mode: p.Mode,
	}
	if len(p.Inputs) > MaxInputs {
		return nil, errInvalid("An application can have %d streaming input; %d were given.", MaxInputs, len(p.Inputs))
	}
	if len(p.Outputs) > MaxOutputs {
		return nil, errInvalid("An application can have up to %d outputs; %d were given.", MaxOutputs, len(p.Outputs))
	}
	if len(p.References) > MaxReferences {
		return nil, errInvalid("An application can have %d reference data source; %d were given.", MaxReferences, len(p.References))
	}
	for _, in := range p.Inputs {
		if err := s.validateInput(c, &in, true); err != nil {
			return nil, err
		}
		in.ID = nextID(1, ids(a.Inputs))
		a.Inputs = append(a.Inputs, in)
	}
	for _, out := range p.Outputs {
		if err := s.validateOutput(c, &out, true); err != nil {
			return nil, err
		}
		out.ID = nextID(1, ids(a.Outputs))
		a.Outputs = append(a.Outputs, out)
	}
	for _, r := range p.References {
		if err := validateReference(&r); err != nil {
			return nil, err
		}
		r.ID = nextID(1, ids(a.References))
		a.References = append(a.References, r)
	}
	for _, l := range p.Logging {
		if err := s.addLogging(a, l); err != nil {
			return nil, err
		}
	}
	if err := validateTags(p.Tags); err != nil {
		return nil, err
	}
	if len(p.Tags) > MaxTags {
		return nil, errTooManyTags(p.Name)
	}
	a.Tags = sortTags(mergeTags(nil, p.Tags))
	if err := s.validateCode(a); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apps[keyOf(a)] != nil {
		return nil, errExists(a.Name, c.Account)
	}
	n := 0
	for k := range s.apps {
		if k.account == c.Account && k.region == c.Region {
			n++
		}
	}
	if n >= s.cfg.ApplicationLimit {
		return nil, newErr(KindLimitExceeded, "You have reached the limit of %d applications in account %s, region %s.", s.cfg.ApplicationLimit, c.Account, c.Region)
	}
	if s.cfg.Place != nil {
		if err := s.cfg.Place(ctx, a); err != nil {
			return nil, fmt.Errorf("analytics: placing the new application %s: %w", a.Name, err)
		}
	}
	if err := s.persist(ctx, a, true); err != nil {
		return nil, err
	}
	s.apps[keyOf(a)] = a
	return a, nil
}

// validateCode runs the CodeValidator, if there is one, on the
// application's code.
func (s *Service) validateCode(a *Application) error {
	if s.cfg.Code == nil || a.Code == "" {
		return nil
	}
	err := s.cfg.Code.Validate(a)
	var ce *CodeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return newErr(KindCodeValidation, "%s", ce.Msg)
	default:
		return err
	}
}
