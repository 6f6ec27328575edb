package analytics

import (
	"errors"

	"sluice/internal/analytics/exec/analytic"
	"sluice/internal/analytics/sql"
)

// SQLValidator is the CodeValidator over package sql: the code must parse
// and pass sql.Validate against the application's configuration (the
// columns of its in-application input streams and reference tables), and
// the constant arguments of its TOP_K_ITEMS_TUMBLING, HOTSPOTS,
// RANDOM_CUT_FOREST and like calls must be in AWS's ranges (analytic.Check;
// what depends on a call's cursor is checked when the application starts).
// Until the application has an input or a reference data source its
// configuration says nothing of what the code reads, so only the code's
// own streams and pumps are checked (a nil sql.Schema), and an input added
// later is checked with the code then (AddApplicationInput answers
// CodeValidationException too).
type SQLValidator struct{}

// Validate implements CodeValidator.
func (SQLValidator) Validate(a *Application) error {
	app, err := sql.Parse(a.Code)
	if err == nil {
		err = sql.Validate(app, sqlSchema(a))
	}
	if err == nil {
		err = analytic.Check(app) // the P3 table functions' arguments
	}
	var se *sql.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return &CodeError{Line: se.Line, Column: se.Column, Msg: se.Msg}
	default:
		return &CodeError{Msg: err.Error()}
	}
}

// sqlSchema is what the configuration says the code reads, or nil when it
// says nothing yet.
func sqlSchema(a *Application) *sql.Schema {
	if len(a.Inputs) == 0 && len(a.References) == 0 {
		return nil
	}
	s := &sql.Schema{Streams: map[string][]string{}, Tables: map[string][]string{}}
	for _, in := range a.Inputs {
		for _, name := range in.StreamNames() {
			s.Streams[name] = columnNames(in.Schema)
		}
	}
	for _, r := range a.References {
		s.Tables[r.TableName] = columnNames(r.Schema)
	}
	return s
}

func columnNames(s Schema) []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.Name
	}
	return out
}
