package exec

import (
	"testing"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// compileT compiles code against env, failing the test on an error.
func compileT(t testing.TB, code string, env Env) *Program {
	t.Helper()
	app, err := sql.Parse(code)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := Compile(app, env)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

// recorder keeps every row of the streams it listens to, copied.
type recorder struct {
	rows map[string][]Row
}

func record(t testing.TB, p *Program, streams ...string) *recorder {
	t.Helper()
	r := &recorder{rows: map[string][]Row{}}
	for _, name := range streams {
		name := name
		if _, err := p.Subscribe(name, func(rows []Row) {
			for _, row := range rows {
				r.rows[name] = append(r.rows[name], Row{Time: row.Time, Values: append([]value.Value(nil), row.Values...)})
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// src is a row of testEnv's source stream (system columns filled).
func src(t int64, ticker string, price float64, qty int32, event int64) Row {
	return Row{Time: t, Values: []value.Value{
		value.NewVarchar(ticker), value.NewDouble(price), value.NewInteger(qty), value.NewTimestamp(event),
		value.NewTimestamp(t), value.NewVarchar("pk"), value.NewVarchar("1"), value.NewVarchar("shardId-000000000000"),
	}}
}

func push(t testing.TB, p *Program, rows ...Row) {
	t.Helper()
	if err := p.Push("SOURCE_SQL_STREAM_001", rows); err != nil {
		t.Fatal(err)
	}
}
