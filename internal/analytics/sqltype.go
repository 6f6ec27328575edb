package analytics

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// checkSQLType checks a column's SqlType: the column types of the KDA SQL
// reference, with AWS's limits. It stands in for package value's
// ParseType until that package is in the tree.
func checkSQLType(s string) error {
	m := sqlTypePattern.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil {
		return errors.New("not a SQL column type")
	}
	name := strings.Join(strings.Fields(m[1]), " ")
	var args []int
	for _, a := range []string{m[2], m[3]} {
		if a == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil {
			return errors.New("not a SQL column type")
		}
		args = append(args, n)
	}
	rule, ok := sqlTypes[name]
	if !ok {
		return fmt.Errorf("unknown type %s", name)
	}
	switch {
	case len(args) > rule.maxArgs:
		return fmt.Errorf("%s takes %d arguments at most", name, rule.maxArgs)
	case len(args) < rule.minArgs:
		return fmt.Errorf("%s needs a length", name)
	}
	return rule.check(args)
}

// sqlTypePattern splits "NAME [(a [, b])]".
var sqlTypePattern = regexp.MustCompile(`^([A-Z][A-Z ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$`)

type sqlTypeRule struct {
	minArgs, maxArgs int
	check            func(args []int) error
}

func noCheck([]int) error { return nil }

func lengthCheck(args []int) error {
	if len(args) == 1 && (args[0] < 1 || args[0] > 65534) {
		return fmt.Errorf("length %d is not from 1 to 65534", args[0])
	}
	return nil
}

func decimalCheck(args []int) error {
	if len(args) >= 1 && (args[0] < 1 || args[0] > 18) {
		return fmt.Errorf("precision %d is not from 1 to 18", args[0])
	}
	if len(args) == 2 && args[1] > args[0] {
		return fmt.Errorf("scale %d is larger than precision %d", args[1], args[0])
	}
	return nil
}

var sqlTypes = map[string]sqlTypeRule{
	"BOOLEAN":           {0, 0, noCheck},
	"TINYINT":           {0, 0, noCheck},
	"SMALLINT":          {0, 0, noCheck},
	"INTEGER":           {0, 0, noCheck},
	"INT":               {0, 0, noCheck},
	"BIGINT":            {0, 0, noCheck},
	"DECIMAL":           {0, 2, decimalCheck},
	"DEC":               {0, 2, decimalCheck},
	"NUMERIC":           {0, 2, decimalCheck},
	"REAL":              {0, 0, noCheck},
	"DOUBLE":            {0, 0, noCheck},
	"DOUBLE PRECISION":  {0, 0, noCheck},
	"FLOAT":             {0, 0, noCheck},
	"CHAR":              {0, 1, lengthCheck},
	"CHARACTER":         {0, 1, lengthCheck},
	"VARCHAR":           {1, 1, lengthCheck},
	"CHAR VARYING":      {1, 1, lengthCheck},
	"CHARACTER VARYING": {1, 1, lengthCheck},
	"BINARY":            {0, 1, lengthCheck},
	"VARBINARY":         {1, 1, lengthCheck},
	"BINARY VARYING":    {1, 1, lengthCheck},
	"DATE":              {0, 0, noCheck},
	"TIME":              {0, 0, noCheck},
	"TIMESTAMP":         {0, 0, noCheck},
}
