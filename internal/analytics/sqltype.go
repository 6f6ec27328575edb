package analytics

import (
	"errors"
	"fmt"

	"sluice/internal/analytics/value"
)

// checkSQLType checks a column's SqlType with package value's parser: a
// type KDA SQL knows, within AWS's limits, and one a column may have (not
// an interval).
func checkSQLType(s string) error {
	t, err := value.ParseType(s)
	var ve *value.Error
	switch {
	case errors.As(err, &ve):
		return errors.New(ve.Message)
	case err != nil:
		return err
	case !t.IsColumnType():
		return fmt.Errorf("%q is an interval type, which a column cannot have", s)
	}
	return nil
}
