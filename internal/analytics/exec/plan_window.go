package exec

import (
	"strconv"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// windowingPlan is a query's sliding windows being planned: the stage, and
// how the select list compiles over its output (the input's values, then
// each windowed call's result).
type windowingPlan struct {
	stage  *slidingStage
	env    *exprEnv
	finish func() error
}

// newWindowing prepares the sliding windows of a query: each windowed call
// the select list or ORDER BY makes registers with its window as it is
// compiled.
func (pl *planner) newWindowing(sc *scope, in stage, windows map[string]*sql.WindowSpec) *windowingPlan {
	ss := &slidingStage{stage: in}
	byKey := map[string]*slidingWindow{}
	nfuncs := 0
	var calls []string         // fingerprints of the calls registered, by result index
	var callTypes []value.Type // their types
	names := append([]string(nil), in.names...)
	hook := func(e sql.Expr) (*cexpr, bool, error) {
		f, ok := e.(*sql.FuncCall)
		if !ok || f.Over == nil {
			return nil, false, nil
		}
		callFP := fingerprint(f, sc)
		for i, c := range calls {
			if c == callFP {
				return resultExpr(sc.width+i, callTypes[i]), true, nil
			}
		}
		eff, err := effectiveWindow(f.Over, windows)
		if err != nil {
			return nil, true, err
		}
		w, err := pl.slidingWindowOf(eff, sc, byKey, ss)
		if err != nil {
			return nil, true, err
		}
		wf, err := pl.winFuncOf(f, w, sc)
		if err != nil {
			return nil, true, err
		}
		wf.out = nfuncs
		nfuncs++
		calls, callTypes = append(calls, callFP), append(callTypes, wf.typ)
		names = append(names, sql.Format(f))
		w.funcs = append(w.funcs, wf)
		return resultExpr(sc.width+wf.out, wf.typ), true, nil
	}
	env := &exprEnv{sc: sc, hook: hook, what: "select list"}
	wp := &windowingPlan{stage: ss, env: env}
	wp.finish = func() error {
		ss.width, ss.nfuncs = sc.width, nfuncs
		for _, w := range ss.windows {
			w.argVals = make([]value.Value, len(w.args))
			for _, f := range w.funcs {
				if f.kind == winAggregate {
					f.acc = w.naccs
					w.naccs++
				}
			}
		}
		env.names = names
		return nil
	}
	return wp
}

// resultExpr reads a windowed call's result from the stage's output row.
func resultExpr(slot int, t value.Type) *cexpr {
	return &cexpr{typ: t, cols: true, fn: func(c *evalCtx) (value.Value, error) { return c.t.vals[slot], nil }}
}

// effectiveWindow merges a window with the named windows it refines: the
// partitioning and frame each come from the nearest that has them.
func effectiveWindow(w *sql.WindowSpec, named map[string]*sql.WindowSpec) (sql.WindowSpec, error) {
	var eff sql.WindowSpec
	eff.Pos = w.Pos
	seen := map[*sql.WindowSpec]bool{}
	for w != nil {
		if seen[w] {
			return eff, errAt(w.Pos, "Windows refine each other in a cycle")
		}
		seen[w] = true
		if eff.PartitionBy == nil {
			eff.PartitionBy = w.PartitionBy
		}
		if eff.OrderBy == nil {
			eff.OrderBy = w.OrderBy
		}
		if eff.Frame == nil {
			eff.Frame = w.Frame
		}
		if w.Ref == nil {
			break
		}
		next := named[w.Ref.Name]
		if next == nil {
			return eff, errAt(w.Ref.Pos, "Window %s not found", quote(w.Ref.Name))
		}
		w = next
	}
	return eff, nil
}

// slidingWindowOf finds or creates the window of a specification: calls
// over the same partitioning and frame share one.
func (pl *planner) slidingWindowOf(eff sql.WindowSpec, sc *scope, byKey map[string]*slidingWindow, ss *slidingStage) (*slidingWindow, error) {
	w := &slidingWindow{parts: map[string]*partition{}}
	key := ""
	for _, e := range eff.PartitionBy {
		key += fingerprint(e, sc) + ";"
	}
	switch f := eff.Frame; {
	case f == nil:
		w.kind = frameUnbounded
	case f.Start.Kind == sql.UnboundedPreceding:
		w.kind = frameUnbounded
	case f.Unit == sql.Rows:
		w.kind = frameRows
		if f.Start.Kind == sql.Preceding {
			n, ok := f.Start.Offset.(*sql.NumberLit)
			if !ok {
				return nil, errAt(f.Start.Pos, "ROWS takes a number of rows, as ROWS 10 PRECEDING")
			}
			v, err := strconv.ParseInt(n.Text, 10, 32)
			if err != nil || v < 0 {
				return nil, errAt(n.Pos, "ROWS takes a number of rows from 0 to %d", int32(1<<31-1))
			}
			w.rows = int(v)
		}
	default:
		w.kind = frameRange
		if f.Start.Kind == sql.Preceding {
			ms, err := pl.dayTimeInterval(f.Start.Offset, "RANGE")
			if err != nil {
				return nil, err
			}
			w.rangeMs = ms
		}
	}
	if w.kind == frameUnbounded && len(eff.PartitionBy) == 0 && eff.Frame == nil && eff.OrderBy == nil {
		// OVER () over a stream: everything since the start.
		w.kind = frameUnbounded
	}
	key += "|" + strconv.Itoa(int(w.kind)) + "|" + strconv.Itoa(w.rows) + "|" + strconv.FormatInt(w.rangeMs, 10)
	if old := byKey[key]; old != nil {
		return old, nil
	}
	for _, e := range eff.PartitionBy {
		c, err := pl.expr(e, &exprEnv{sc: sc, what: "PARTITION BY clause"})
		if err != nil {
			return nil, err
		}
		if c.fields != nil {
			return nil, errAt(e.Position(), "Cannot partition by a row")
		}
		w.partition = append(w.partition, c)
	}
	byKey[key] = w
	ss.windows = append(ss.windows, w)
	return w, nil
}

// windowArg stores an argument in the window's rows (once per distinct
// expression) and returns its index.
func windowArg(w *slidingWindow, c *cexpr, key string) int {
	for i, k := range w.argKeys {
		if k == key {
			return i
		}
	}
	w.args = append(w.args, c)
	w.argKeys = append(w.argKeys, key)
	return len(w.args) - 1
}

// winFuncOf plans one windowed call over window w.
func (pl *planner) winFuncOf(f *sql.FuncCall, w *slidingWindow, sc *scope) (*winFunc, error) {
	name := f.Name.Last()
	env := &exprEnv{sc: sc, what: "a windowed function's argument"}
	arg := func(e sql.Expr) (int, *cexpr, error) {
		c, err := pl.expr(e, env)
		if err != nil {
			return 0, nil, err
		}
		if c.fields != nil {
			return 0, nil, errAt(e.Position(), "A windowed function cannot take a row")
		}
		return windowArg(w, c, fingerprint(e, sc)), c, nil
	}
	wf := &winFunc{ignoreNulls: f.Nulls == sql.IgnoreNulls}
	switch name {
	case "LEAD":
		return nil, errAt(f.Pos, "LEAD looks at rows that have not arrived yet; over a stream use LAG")
	case "LAG":
		if len(f.Args) < 1 || len(f.Args) > 3 {
			return nil, errAt(f.Pos, "Invalid number of arguments to function LAG. Was expecting 1 to 3 arguments")
		}
		i, c, err := arg(f.Args[0])
		if err != nil {
			return nil, err
		}
		wf.kind, wf.arg, wf.typ, wf.offset = winLag, i, c.typ, 1
		if len(f.Args) > 1 {
			n, err := pl.constCount(f.Args[1], "LAG's offset", 0)
			if err != nil {
				return nil, err
			}
			wf.offset = n
		}
		if len(f.Args) > 2 {
			d, err := pl.expr(f.Args[2], env)
			if err != nil {
				return nil, err
			}
			t, err := unify(c.typ, d.typ, f.Args[2])
			if err != nil {
				return nil, err
			}
			wf.typ, wf.def = t, coerce(d, t)
		}
		if w.kind == frameUnbounded {
			w.lastRows = max(w.lastRows, wf.offset+1)
		}
		return wf, nil
	case "NTH_VALUE", "FIRST_VALUE", "LAST_VALUE":
		want := 1
		if name == "NTH_VALUE" {
			want = 2
		}
		if len(f.Args) != want {
			return nil, errAt(f.Pos, "Invalid number of arguments to function %s. Was expecting %d arguments", name, want)
		}
		i, c, err := arg(f.Args[0])
		if err != nil {
			return nil, err
		}
		wf.kind, wf.arg, wf.typ, wf.offset, wf.fromLast = winNth, i, c.typ, 1, name == "LAST_VALUE" || f.FromLast
		if name == "NTH_VALUE" {
			n, err := pl.constCount(f.Args[1], "NTH_VALUE's position", 1)
			if err != nil {
				return nil, err
			}
			wf.offset = n
		}
		if w.kind == frameUnbounded {
			if wf.fromLast {
				w.lastRows = max(w.lastRows, wf.offset)
			} else {
				w.firstRows = max(w.firstRows, wf.offset)
			}
		}
		return wf, nil
	}
	if !sql.IsAggregate(name) {
		return nil, errAt(f.Pos, "Function %s takes no window (OVER)", name)
	}
	spec, err := pl.aggSpecOf(f, env)
	if err != nil {
		return nil, err
	}
	wf.spec, wf.typ = spec, spec.typ
	if spec.kind == aggFirst || spec.kind == aggLast {
		// FIRST_VALUE and LAST_VALUE were handled above; aggSpecOf knows them
		// for GROUP BY.
		return nil, errAt(f.Pos, "Function %s is not supported here", name)
	}
	c := spec.arg
	if c == nil {
		c = constExpr(trueVal, booleanType) // COUNT(*) counts every row
	}
	argKey := "*"
	if spec.arg != nil {
		argKey = fingerprint(f.Args[0], sc)
	}
	wf.arg = windowArg(w, c, argKey)
	wf.kind = winAggregate
	if spec.kind == aggExpAvg {
		wf.kind = winExpAvg
		if w.kind == frameUnbounded {
			return nil, errAt(f.Pos, "EXP_AVG needs a bounded window, as RANGE INTERVAL '30' SECOND PRECEDING")
		}
	}
	return wf, nil
}

// constCount reads a constant integer argument of at least min.
func (pl *planner) constCount(e sql.Expr, what string, least int) (int, error) {
	c, err := pl.expr(e, &exprEnv{what: what})
	if err != nil {
		return 0, err
	}
	if !c.isConst || !c.typ.Kind.IsInteger() || c.val.IsNull() || c.val.Int64() < int64(least) || c.val.Int64() > 1<<20 {
		return 0, errAt(e.Position(), "%s must be an integer constant from %d to %d", what, least, 1<<20)
	}
	return int(c.val.Int64()), nil
}
