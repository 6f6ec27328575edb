package analytic

import (
	"errors"
	"strings"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/sql"
)

const checkPrefix = `CREATE OR REPLACE STREAM O (a DOUBLE);
CREATE OR REPLACE PUMP P AS INSERT INTO O SELECT STREAM * FROM TABLE(`

// TestCheck: Check finds what Compile finds of constant arguments, with
// the same message and position, and lets through what only the cursor
// can tell.
func TestCheck(t *testing.T) {
	env := exec.Env{
		Streams:    []exec.Stream{{Name: "S", Columns: []exec.Column{{Name: "X", Type: tDouble}, {Name: "T", Type: tVarchar}}}},
		TableFuncs: Funcs(1),
	}
	for _, c := range []struct {
		call string
		want string // Check's error, "" for none
	}{
		{`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM X FROM S)));`, ""},
		{`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM X FROM S), NULL, NULL, NULL, NULL));`, ""},
		{`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM X FROM S), 0));`, "At line 2, column 120: RANDOM_CUT_FOREST: numberOfTrees is 0; it must be an integer from 1 to 1,000 (NULL for the default, 100)"},
		{`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM X FROM S), -5));`, "numberOfTrees is -5;"},
		{`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM X FROM S), +5, 10.0, 1E3, 2));`, ""},
		{`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM X FROM S), 100, 256, 100));`, "subSampleSize (256) must be less than timeDecay (100)"},
		{`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM X FROM S), 100, 256, 100, 1, 2));`, "takes at most 4 arguments after its CURSOR"},
		{`RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM X FROM S), 100, 256, 100000, 1, 'yes'));`, "withDirectionality is 'yes'; it must be TRUE or FALSE"},
		{`RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM X FROM S), 100, 256, 100000, 31));`, "shingleSize is 31"},
		{`HOTSPOTS(CURSOR(SELECT STREAM X FROM S), 1000, 0, 17));`, "scanRadius is 0; it must be a number greater than 0"},
		{`HOTSPOTS(CURSOR(SELECT STREAM X FROM S), 1000, -0.5, 17));`, "scanRadius is -0.5;"},
		{`HOTSPOTS(CURSOR(SELECT STREAM X FROM S), 100, 0.2, 170));`, "minimumNumberOfPointsInAHotspot is 170; it must be from 2 to windowSize (100)"},
		{`HOTSPOTS(CURSOR(SELECT STREAM X FROM S), 100, 0.2));`, "At line 2, column 70: HOTSPOTS: needs its minimumNumberOfPointsInAHotspot argument"},
		{`TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM S), 'T', 100001, 60));`, "K is 100001"},
		{`COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM S), 'T', 3601));`, "windowSize is 3601"},
		{`COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM S), T, 60));`, ""},        // not a literal: left to Bind
		{`COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM S), 'NOPE', 60));`, ""},   // the cursor's business
		{`COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM S), 'T', 30 + 30));`, ""}, // an expression
		{`COUNT_DISTINCT_ITEMS_TUMBLING('T', CURSOR(SELECT STREAM * FROM S), 60));`, "its first argument must be CURSOR"},
		{`OTHER_FUNCTION(CURSOR(SELECT STREAM * FROM S), 0));`, ""},
	} {
		code := checkPrefix + c.call
		app, err := sql.Parse(code)
		if err != nil {
			t.Fatalf("%s: %v", c.call, err)
		}
		err = Check(app)
		var se *sql.Error
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.call, err)
		case c.want != "" && (!errors.As(err, &se) || !strings.Contains(se.Msg, c.want)):
			t.Errorf("%s: got %v, want %s", c.call, err, c.want)
		case c.want != "" && !strings.HasPrefix(c.want, "its first"):
			// Compile says the same, at the same place.
			_, cerr := exec.Compile(app, env)
			if cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("%s: Check says %v, Compile %v", c.call, err, cerr)
			}
		}
	}
}

// TestFuncsNames: the names in Funcs are the ones Check knows.
func TestFuncsNames(t *testing.T) {
	for name := range Funcs(0) {
		if sig, _ := signatureOf(name); sig == nil || sig.name != name {
			t.Errorf("%s has no signature", name)
		}
	}
	if v, _ := constant(&sql.UnaryExpr{Op: sql.OpNeg, X: &sql.NumberLit{Text: "1.50"}}); v.String() != "-1.50" {
		t.Errorf("-1.50 is %v", v)
	}
	if _, ok := constant(&sql.UnaryExpr{Op: sql.OpNeg, X: &sql.StringLit{Value: "x"}}); ok {
		t.Error("-'x' is a constant")
	}
}
