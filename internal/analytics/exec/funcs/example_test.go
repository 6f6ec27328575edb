package funcs_test

import (
	"fmt"
	"time"

	"sluice/internal/analytics/exec/funcs"
	"sluice/internal/analytics/value"
)

// The planner binds SUBSTRING("referrer", 12, 6) once; the executor
// evaluates it per row.
func ExampleFunc_Bind() {
	f, _ := funcs.Lookup("SUBSTRING")
	env := &funcs.Env{QueryStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	call, err := f.Bind(env, []funcs.Arg{
		funcs.TypeArg(value.Varchar(32)),
		funcs.ConstArg(value.NewInteger(12)),
		funcs.ConstArg(value.NewInteger(6)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	row := []value.Value{value.NewVarchar("http://www.amazon.com"), value.NewInteger(12), value.NewInteger(6)}
	v, _ := call.Eval(row)
	fmt.Println(call.Type, v)

	_, err = f.Bind(env, []funcs.Arg{funcs.TypeArg(value.Varchar(32)), funcs.TypeArg(value.Simple(value.KindDouble))})
	fmt.Println(err)
	// Output:
	// VARCHAR(32) amazon
	// SUBSTRING: argument 2 must be an integer, not DOUBLE
}

// A log parser returns a row: its fields are known once bound.
func ExampleCall_EvalRow() {
	f, _ := funcs.Lookup("W3C_LOG_PARSE")
	call, _ := f.Bind(&funcs.Env{}, []funcs.Arg{funcs.TypeArg(value.Varchar(1024)), funcs.ConstArg(value.NewVarchar("COMMON"))})
	line := value.NewVarchar(`192.168.254.30 - John [24/May/2004:22:01:02 -0700] "GET /icons/apache_pb.gif HTTP/1.1" 304 0`)
	row, _ := call.EvalRow(nil, []value.Value{line, value.NewVarchar("COMMON")})
	for i, field := range call.Row {
		fmt.Printf("%s = %s\n", field.Name, row[i])
	}
	// Output:
	// COLUMN1 = 192.168.254.30
	// COLUMN2 = -
	// COLUMN3 = John
	// COLUMN4 = [24/May/2004:22:01:02 -0700]
	// COLUMN5 = GET /icons/apache_pb.gif HTTP/1.1
	// COLUMN6 = 304
	// COLUMN7 = 0
}
