package exec

import (
	"errors"
	"time"

	"sluice/internal/analytics/exec/funcs"
)

// funcsCatalog binds calls with package funcs, the scalar function
// catalogue.
type funcsCatalog struct {
	env *funcs.Env
}

// defaultCatalog is package funcs with the application's start as the
// query start (two-digit years of date patterns count from it).
func defaultCatalog(start int64) catalog {
	return funcsCatalog{env: &funcs.Env{QueryStart: time.UnixMilli(start).UTC()}}
}

func (c funcsCatalog) bind(name string, special bool, args []callArg) (*boundCall, error) {
	var f *funcs.Func
	var ok bool
	if special {
		f, ok = funcs.Special(name)
	} else {
		f, ok = funcs.Lookup(name)
	}
	if !ok {
		return nil, errNoFunction
	}
	fa := make([]funcs.Arg, len(args))
	for i, a := range args {
		fa[i] = funcs.Arg{Type: a.typ, Const: a.isConst, Value: a.val}
	}
	call, err := f.Bind(c.env, fa)
	if err != nil {
		var ae *funcs.ArgError
		if errors.As(err, &ae) {
			return nil, &argError{arg: ae.Arg, msg: ae.Error()}
		}
		return nil, err
	}
	b := &boundCall{typ: call.Type, deterministic: f.Deterministic}
	if call.Row != nil {
		b.fields = make([]column, len(call.Row))
		for i, fl := range call.Row {
			b.fields[i] = column{name: fl.Name, typ: fl.Type, slot: i}
		}
		b.evalRow = call.EvalRow
		return b, nil
	}
	b.eval = call.Eval
	return b, nil
}
