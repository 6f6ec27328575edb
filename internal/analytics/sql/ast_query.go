package sql

import "strconv"

// Query is a relational expression: *Select, *SetOp or *Values.
type Query interface {
	Node
	queryNode()
}

// Select is one SELECT:
//
//	SELECT [STREAM] [ALL | DISTINCT] items FROM from-items
//	    [WHERE cond] [WINDOWED BY STAGGER (...)] [GROUP BY exprs] [HAVING cond]
//	    [WINDOW name AS (spec), ...] [ORDER BY items]
//
// Stream is the STREAM keyword: the query is continuous. A Select that is
// one side of a set operation has no OrderBy; the SetOp has it.
type Select struct {
	Pos
	Stream     bool
	Distinct   bool
	All        bool
	Items      []SelectItem
	From       []FromItem // comma-separated items; joins are one item
	Where      Expr
	WindowedBy *Stagger
	GroupBy    []Expr
	Having     Expr
	Windows    []WindowDef
	OrderBy    []OrderItem
}

// SelectItem is one item of the select list. Expr is a *Star for * and t.*.
type SelectItem struct {
	Expr  Expr
	Alias *Ident // nil when absent
}

// Position is the start of the item's expression.
func (s SelectItem) Position() Pos { return s.Expr.Position() }

// Name is the name of the item's column in the result, given its index in
// the select list: the alias, else a column's own name (S.PRICE is PRICE),
// else EXPR$i, as KDA named it. A * item has no single name ("").
func (s SelectItem) Name(i int) string {
	switch e := s.Expr.(type) {
	case *Star:
		return ""
	case *ColumnRef:
		if s.Alias == nil {
			return e.Last()
		}
	}
	if s.Alias != nil {
		return s.Alias.Name
	}
	return "EXPR$" + strconv.Itoa(i)
}

// OrderItem is one key of an ORDER BY (also in a window specification).
type OrderItem struct {
	Expr  Expr
	Desc  bool
	Nulls NullsOrder
}

// Position is the start of the key's expression.
func (o OrderItem) Position() Pos { return o.Expr.Position() }

// NullsOrder is NULLS FIRST or NULLS LAST, or nothing.
type NullsOrder string

// The NULLS orders.
const (
	NullsDefault NullsOrder = ""
	NullsFirst   NullsOrder = "NULLS FIRST"
	NullsLast    NullsOrder = "NULLS LAST"
)

// Stagger is WINDOWED BY STAGGER (PARTITION BY exprs RANGE INTERVAL ...): a
// window per partition key, opened by the key's first row and closed when
// Range has passed.
type Stagger struct {
	Pos
	PartitionBy []Expr
	Range       Expr // an *IntervalLit in valid code
}

// WindowDef is one named window of a WINDOW clause: name AS (spec).
type WindowDef struct {
	Pos
	Name Ident
	Spec *WindowSpec
}

// WindowSpec is a window specification, after OVER (of an aggregate, or of
// a stream in a join) or in a WINDOW clause. OVER w is a WindowSpec whose
// only field is Ref; (w ROWS 2 PRECEDING) refines the named window w.
type WindowSpec struct {
	Pos
	Ref         *Ident
	PartitionBy []Expr
	OrderBy     []OrderItem
	Frame       *Frame
}

// FrameUnit is ROWS (a count of rows) or RANGE (a span of ROWTIME).
type FrameUnit string

// The frame units.
const (
	Rows  FrameUnit = "ROWS"
	Range FrameUnit = "RANGE"
)

// Frame is the extent of a window: Unit Start, or Unit BETWEEN Start AND
// End. RANGE INTERVAL '1' MINUTE PRECEDING has Start {Preceding, interval}
// and no End (the window ends at the current row).
type Frame struct {
	Pos
	Unit  FrameUnit
	Start FrameBound
	End   *FrameBound
}

// BoundKind says where a frame bound is.
type BoundKind string

// The frame bounds.
const (
	UnboundedPreceding BoundKind = "UNBOUNDED PRECEDING"
	Preceding          BoundKind = "PRECEDING" // Offset PRECEDING
	CurrentRow         BoundKind = "CURRENT ROW"
	Following          BoundKind = "FOLLOWING" // Offset FOLLOWING
	UnboundedFollowing BoundKind = "UNBOUNDED FOLLOWING"
)

// FrameBound is one end of a frame. Offset is set for Preceding and
// Following: a row count for ROWS, an interval for RANGE.
type FrameBound struct {
	Pos
	Kind   BoundKind
	Offset Expr
}

// SetOpKind is a set operator.
type SetOpKind string

// The set operators. Only UNION ALL combines streams.
const (
	Union     SetOpKind = "UNION"
	Intersect SetOpKind = "INTERSECT"
	Except    SetOpKind = "EXCEPT"
)

// SetOp is Left op [ALL] Right, with the ORDER BY that follows the whole.
type SetOp struct {
	Pos
	Op      SetOpKind
	All     bool
	Left    Query
	Right   Query
	OrderBy []OrderItem
}

// Values is VALUES (row), (row), ...
type Values struct {
	Pos
	Rows [][]Expr
}

func (*Select) queryNode() {}
func (*SetOp) queryNode()  {}
func (*Values) queryNode() {}

// FromItem is one relation of a FROM clause: *TableRef, *SubqueryRef,
// *TableFunctionRef or *Join.
type FromItem interface {
	Node
	fromNode()
}

// Alias is a correlation name, [AS] name [(column, ...)]; the columns
// rename the relation's columns in order.
type Alias struct {
	Pos
	Name    Ident
	Columns []Ident
}

// TableRef names a stream or a (reference) table. Over is the window of a
// stream in a stream-to-stream join: JOIN s OVER (RANGE INTERVAL '1' MINUTE
// PRECEDING) AS t.
type TableRef struct {
	Pos
	Name  ObjectName
	Over  *WindowSpec
	Alias *Alias
}

// SubqueryRef is a parenthesised query used as a relation.
type SubqueryRef struct {
	Pos
	Query Query
	Alias *Alias
}

// TableFunctionRef is TABLE(fn(args)): a function that returns rows, such
// as RANDOM_CUT_FOREST(CURSOR(SELECT STREAM ...), ...). Its cursor
// arguments are *CursorExpr.
type TableFunctionRef struct {
	Pos
	Call  *FuncCall
	Alias *Alias
}

// JoinKind is the kind of a join.
type JoinKind string

// The join kinds. A comma in FROM is not a Join: the items stay separate in
// Select.From.
const (
	InnerJoin JoinKind = "INNER"
	LeftJoin  JoinKind = "LEFT"
	RightJoin JoinKind = "RIGHT"
	FullJoin  JoinKind = "FULL"
	CrossJoin JoinKind = "CROSS"
)

// Join is Left kind JOIN Right [ON cond | USING (columns)]. Natural joins
// have neither.
type Join struct {
	Pos
	Kind    JoinKind
	Natural bool
	Left    FromItem
	Right   FromItem
	On      Expr
	Using   []Ident
}

func (*TableRef) fromNode()         {}
func (*SubqueryRef) fromNode()      {}
func (*TableFunctionRef) fromNode() {}
func (*Join) fromNode()             {}
