package sql

import (
	"strconv"
	"strings"
)

// Node is any part of the syntax tree. Position is where its text starts.
type Node interface {
	Position() Pos
}

// Ident is a name. Unquoted names are folded to upper case by the lexer, so
// Name is what the catalog compares: ticker, Ticker and "TICKER" are all
// TICKER, while "ticker" stays ticker. Quoted records how it was written.
type Ident struct {
	Pos
	Name   string
	Quoted bool
}

// ObjectName is the name of a stream, table, pump or function: one part
// ("SOURCE_SQL_STREAM_001"), or qualified by a schema (SALES.BIDS).
type ObjectName struct {
	Parts []Ident
}

// Position is the start of the first part.
func (n ObjectName) Position() Pos {
	if len(n.Parts) == 0 {
		return Pos{}
	}
	return n.Parts[0].Pos
}

// Last is the unqualified name.
func (n ObjectName) Last() string {
	if len(n.Parts) == 0 {
		return ""
	}
	return n.Parts[len(n.Parts)-1].Name
}

// String joins the parts with dots, as the catalog spells them (no quotes).
func (n ObjectName) String() string {
	names := make([]string, len(n.Parts))
	for i, p := range n.Parts {
		names[i] = p.Name
	}
	return strings.Join(names, ".")
}

// Application is parsed application code: its statements in order.
type Application struct {
	Statements []Statement
}

// Position is the start of the code.
func (a *Application) Position() Pos { return Pos{Line: 1, Column: 1} }

// Streams returns the CREATE STREAM statements, in order.
func (a *Application) Streams() []*CreateStream {
	var out []*CreateStream
	for _, s := range a.Statements {
		if cs, ok := s.(*CreateStream); ok {
			out = append(out, cs)
		}
	}
	return out
}

// Pumps returns the CREATE PUMP statements, in order.
func (a *Application) Pumps() []*CreatePump {
	var out []*CreatePump
	for _, s := range a.Statements {
		if cp, ok := s.(*CreatePump); ok {
			out = append(out, cp)
		}
	}
	return out
}

// Functions returns the CREATE FUNCTION statements, in order.
func (a *Application) Functions() []*CreateFunction {
	var out []*CreateFunction
	for _, s := range a.Statements {
		if cf, ok := s.(*CreateFunction); ok {
			out = append(out, cf)
		}
	}
	return out
}

// Statement is one statement of application code: *CreateStream,
// *CreatePump or *CreateFunction.
type Statement interface {
	Node
	statementNode()
}

// CreateStream declares an in-application stream:
//
//	CREATE [OR REPLACE] STREAM name (column type [NOT NULL], ...) [DESCRIPTION 'text']
//
// Every stream also has the implicit column ROWTIME, which is not listed.
type CreateStream struct {
	Pos
	OrReplace   bool
	Name        ObjectName
	Columns     []ColumnDef
	Description *StringLit // nil when absent
}

// ColumnDef is one column of a CREATE STREAM.
type ColumnDef struct {
	Pos
	Name    Ident
	Type    TypeName
	NotNull bool
}

// PumpState is the optional state written in CREATE PUMP.
type PumpState string

// The pump states. A pump is started when the application runs unless it
// was declared STOPPED.
const (
	PumpDefault PumpState = ""
	PumpStarted PumpState = "STARTED"
	PumpStopped PumpState = "STOPPED"
)

// CreatePump declares a pump, a continuous INSERT from a query into a stream:
//
//	CREATE [OR REPLACE] PUMP name [STARTED | STOPPED] [DESCRIPTION 'text'] AS insert
type CreatePump struct {
	Pos
	OrReplace   bool
	Name        ObjectName
	State       PumpState
	Description *StringLit
	Insert      *Insert
}

// Insert is the body of a pump:
//
//	INSERT [EXPEDITED] INTO stream [(column, ...)] query
//
// Without a column list the query's columns go to the stream's columns in
// order; with one, to the listed columns.
type Insert struct {
	Pos
	Expedited bool
	Target    ObjectName
	Columns   []Ident
	Query     Query
}

// CreateFunction declares a user-defined function written in SQL (the
// only kind KDA runs):
//
//	CREATE [OR REPLACE] FUNCTION name ([param type, ...]) RETURNS type
//	    [characteristic ...] RETURN expression
//
// The body is an expression over the parameters, evaluated per call.
type CreateFunction struct {
	Pos
	OrReplace bool
	Name      ObjectName
	Params    []FuncParam
	Returns   TypeName
	// Characteristics are the routine characteristics as written, each in
	// canonical spelling: "LANGUAGE SQL", "DETERMINISTIC", "NOT
	// DETERMINISTIC", "CONTAINS SQL", "READS SQL DATA", "MODIFIES SQL DATA",
	// "RETURNS NULL ON NULL INPUT", "CALLED ON NULL INPUT", and "SPECIFIC"
	// where SPECIFIC name stood (the name is Specific).
	Characteristics []string
	Specific        *Ident // SPECIFIC name, nil when absent
	Body            Expr
}

// FuncParam is one parameter of a CREATE FUNCTION.
type FuncParam struct {
	Name Ident
	Type TypeName
}

func (*CreateStream) statementNode()   {}
func (*CreatePump) statementNode()     {}
func (*CreateFunction) statementNode() {}

// TypeName is a data type as written: the executor resolves it (package
// value). Name is upper case with words joined by one space (VARCHAR,
// CHARACTER VARYING, DOUBLE PRECISION); Params are the numbers in
// parentheses (VARCHAR(4) has [4], DECIMAL(5,2) [5 2]); an INTERVAL type
// has its qualifier.
type TypeName struct {
	Pos
	Name     string
	Params   []int
	Interval *IntervalQualifier
}

// String is the canonical spelling, e.g. VARCHAR(4), DECIMAL(5,2),
// INTERVAL DAY TO SECOND(3).
func (t TypeName) String() string {
	var b strings.Builder
	b.WriteString(t.Name)
	writeInts(&b, t.Params)
	if t.Interval != nil {
		b.WriteByte(' ')
		b.WriteString(t.Interval.String())
	}
	return b.String()
}

func writeInts(b *strings.Builder, ns []int) {
	if len(ns) == 0 {
		return
	}
	b.WriteByte('(')
	for i, n := range ns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(n))
	}
	b.WriteByte(')')
}

// IntervalQualifier is the unit part of an interval: DAY, MINUTE TO SECOND,
// SECOND(2,3), YEAR TO MONTH. Precision holds the numbers written after
// the start unit (leading precision, and for SECOND the fractional one);
// EndPrecision those after the end unit (only SECOND takes one).
type IntervalQualifier struct {
	Start        TimeUnit
	Precision    []int
	End          TimeUnit // "" for a single unit
	EndPrecision []int
}

// String is the canonical spelling.
func (q IntervalQualifier) String() string {
	var b strings.Builder
	b.WriteString(string(q.Start))
	writeInts(&b, q.Precision)
	if q.End != "" {
		b.WriteString(" TO ")
		b.WriteString(string(q.End))
		writeInts(&b, q.EndPrecision)
	}
	return b.String()
}

// YearMonth reports whether the qualifier is of the year-month kind (YEAR,
// MONTH, YEAR TO MONTH) rather than day-time.
func (q IntervalQualifier) YearMonth() bool { return q.Start == Year || q.Start == Month }
