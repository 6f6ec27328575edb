package sql

// Expr is a scalar expression. The special syntaxes of the standard are
// normalised where nothing is lost: SUBSTRING(x FROM a FOR b) and
// SUBSTRING(x, a, b) are both the FuncCall SUBSTRING(x, a, b); POSITION(a
// IN b) is POSITION(a, b); OVERLAY(x PLACING y FROM a FOR b) is OVERLAY(x,
// y, a, b). The others have their own nodes (TrimExpr, ExtractExpr,
// FloorExpr, StepExpr, CastExpr).
type Expr interface {
	Node
	exprNode()
}

// ColumnRef names a column: COL, S.COL, or a field of a row-valued column
// (T.REC.COLUMN1, as the log-parsing functions return). Resolution (which
// part is a relation, a column, a field) is the validator's and the
// planner's. ROWTIME is a ColumnRef too.
type ColumnRef struct {
	Pos
	Names []Ident
}

// Last is the last part's name: the column's (or field's) name.
func (c *ColumnRef) Last() string { return c.Names[len(c.Names)-1].Name }

// Star is * or qualifier.*, in a select list.
type Star struct {
	Pos
	Qualifier []Ident
}

// NumberKind tells the three kinds of numeric literal apart.
type NumberKind string

// The numeric literal kinds: 42, 4.2 and 4.2E0.
const (
	ExactInteger NumberKind = "INTEGER"
	ExactDecimal NumberKind = "DECIMAL"
	Approximate  NumberKind = "APPROXIMATE"
)

// NumberLit is an unsigned numeric literal, kept as written (a sign is a
// UnaryExpr).
type NumberLit struct {
	Pos
	Text string
	Kind NumberKind
}

// StringLit is a character literal, with escapes resolved: 'it”s' is
// it's; U&'\0009' is a tab. Adjacent literals ('a' 'b') are one StringLit.
type StringLit struct {
	Pos
	Value string
}

// BinaryLit is X'0AFF': Hex holds the hexadecimal digits as written.
type BinaryLit struct {
	Pos
	Hex string
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Pos
	Value bool
}

// NullLit is NULL.
type NullLit struct {
	Pos
}

// DateTimeKind is the type of a datetime literal.
type DateTimeKind string

// The datetime literal kinds.
const (
	DateLit      DateTimeKind = "DATE"
	TimeLit      DateTimeKind = "TIME"
	TimestampLit DateTimeKind = "TIMESTAMP"
)

// DateTimeLit is DATE '2017-03-01', TIME '12:00:00' or TIMESTAMP
// '2017-03-01 12:00:00'. Value is the string as written; the executor
// parses it.
type DateTimeLit struct {
	Pos
	Kind  DateTimeKind
	Value string
}

// IntervalLit is INTERVAL [-] 'value' qualifier: INTERVAL '1' MINUTE,
// INTERVAL '3 4' DAY TO HOUR, INTERVAL -'1' DAY.
type IntervalLit struct {
	Pos
	Negative  bool
	Value     string
	Qualifier IntervalQualifier
}

// UnaryOp is a prefix operator.
type UnaryOp string

// The prefix operators.
const (
	OpNeg  UnaryOp = "-"
	OpPlus UnaryOp = "+"
	OpNot  UnaryOp = "NOT"
)

// UnaryExpr is Op X.
type UnaryExpr struct {
	Pos
	Op UnaryOp
	X  Expr
}

// BinaryOp is an infix operator.
type BinaryOp string

// The infix operators. != is read as <>.
const (
	OpAdd               BinaryOp = "+"
	OpSub               BinaryOp = "-"
	OpMul               BinaryOp = "*"
	OpDiv               BinaryOp = "/"
	OpConcat            BinaryOp = "||"
	OpEq                BinaryOp = "="
	OpNe                BinaryOp = "<>"
	OpLt                BinaryOp = "<"
	OpLe                BinaryOp = "<="
	OpGt                BinaryOp = ">"
	OpGe                BinaryOp = ">="
	OpAnd               BinaryOp = "AND"
	OpOr                BinaryOp = "OR"
	OpIsDistinctFrom    BinaryOp = "IS DISTINCT FROM"
	OpIsNotDistinctFrom BinaryOp = "IS NOT DISTINCT FROM"
)

// BinaryExpr is L Op R. Like every expression node, its position is where
// its text starts (L's).
type BinaryExpr struct {
	Pos
	Op BinaryOp
	L  Expr
	R  Expr
}

// IsTest is what IS tests for.
type IsTest string

// The IS tests.
const (
	IsNull    IsTest = "NULL"
	IsTrue    IsTest = "TRUE"
	IsFalse   IsTest = "FALSE"
	IsUnknown IsTest = "UNKNOWN"
)

// IsExpr is X IS [NOT] NULL | TRUE | FALSE | UNKNOWN.
type IsExpr struct {
	Pos
	X    Expr
	Not  bool
	Test IsTest
}

// BetweenExpr is X [NOT] BETWEEN [SYMMETRIC] Low AND High.
type BetweenExpr struct {
	Pos
	X         Expr
	Not       bool
	Symmetric bool
	Low       Expr
	High      Expr
}

// InExpr is X [NOT] IN (list) or X [NOT] IN (query); X may be a RowExpr.
type InExpr struct {
	Pos
	X     Expr
	Not   bool
	List  []Expr
	Query Query
}

// LikeExpr is X [NOT] LIKE pattern [ESCAPE e], or with Similar, X [NOT]
// SIMILAR TO pattern [ESCAPE e].
type LikeExpr struct {
	Pos
	X       Expr
	Not     bool
	Similar bool
	Pattern Expr
	Escape  Expr
}

// CaseExpr is CASE [Operand] WHEN ... THEN ... [ELSE ...] END. With an
// Operand (simple CASE) each When.Cond is compared with it; without, each
// is a condition.
type CaseExpr struct {
	Pos
	Operand Expr
	Whens   []When
	Else    Expr
}

// When is one WHEN cond THEN result.
type When struct {
	Pos
	Cond   Expr
	Result Expr
}

// CastExpr is CAST(X AS Type).
type CastExpr struct {
	Pos
	X    Expr
	Type TypeName
}

// NullTreatment is IGNORE NULLS or RESPECT NULLS after an analytic call.
type NullTreatment string

// The null treatments.
const (
	NullsUnspecified NullTreatment = ""
	IgnoreNulls      NullTreatment = "IGNORE NULLS"
	RespectNulls     NullTreatment = "RESPECT NULLS"
)

// FuncCall is a call of a built-in or user-defined function, or of an
// aggregate: name([DISTINCT | ALL] args) [FROM FIRST | FROM LAST]
// [IGNORE NULLS | RESPECT NULLS] [OVER window]. COUNT(*) has Star set and no
// Args. NoParens marks a niladic function written bare (CURRENT_ROW_TIMESTAMP).
// FromLast is NTH_VALUE's FROM LAST (FromFirst its explicit FROM FIRST).
type FuncCall struct {
	Pos
	Name      ObjectName
	Distinct  bool
	All       bool
	Star      bool
	Args      []Expr
	NoParens  bool
	FromFirst bool
	FromLast  bool
	Nulls     NullTreatment
	Over      *WindowSpec
}

// TrimSide is which end TRIM trims.
type TrimSide string

// The TRIM sides; unspecified means BOTH.
const (
	TrimDefault  TrimSide = ""
	TrimBoth     TrimSide = "BOTH"
	TrimLeading  TrimSide = "LEADING"
	TrimTrailing TrimSide = "TRAILING"
)

// TrimExpr is TRIM([side] [chars] FROM X), or TRIM(X). Chars is nil when
// not written (a space).
type TrimExpr struct {
	Pos
	Side  TrimSide
	Chars Expr
	X     Expr
}

// ExtractExpr is EXTRACT(unit FROM X).
type ExtractExpr struct {
	Pos
	Unit TimeUnit
	X    Expr
}

// FloorExpr is FLOOR(X TO unit), or CEIL(X TO unit) when Ceil: X rounded
// down (up) to a whole unit. FLOOR(number) is a plain FuncCall.
type FloorExpr struct {
	Pos
	Ceil bool
	X    Expr
	Unit TimeUnit
}

// StepExpr is STEP(X BY width): X rounded down to a multiple of width (an
// interval for timestamps, a number for numbers). STEP(ROWTIME BY INTERVAL
// '60' SECOND) in a GROUP BY makes a tumbling window.
type StepExpr struct {
	Pos
	X     Expr
	Width Expr
}

// CursorExpr is CURSOR(query): a query passed to a table function.
type CursorExpr struct {
	Pos
	Query Query
}

// SubqueryExpr is a parenthesised query used as a scalar value.
type SubqueryExpr struct {
	Pos
	Query Query
}

// ExistsExpr is EXISTS (query).
type ExistsExpr struct {
	Pos
	Query Query
}

// RowExpr is a row value: ROW(a, b), or (a, b) before IN.
type RowExpr struct {
	Pos
	Items   []Expr
	Keyword bool // written ROW(...)
}

// IntervalExpr is (X) qualifier: the difference of two datetimes as an
// interval of the given units, as in (t1 - t2) MINUTE TO SECOND.
type IntervalExpr struct {
	Pos
	X         Expr
	Qualifier IntervalQualifier
}

func (*ColumnRef) exprNode()    {}
func (*Star) exprNode()         {}
func (*NumberLit) exprNode()    {}
func (*StringLit) exprNode()    {}
func (*BinaryLit) exprNode()    {}
func (*BoolLit) exprNode()      {}
func (*NullLit) exprNode()      {}
func (*DateTimeLit) exprNode()  {}
func (*IntervalLit) exprNode()  {}
func (*UnaryExpr) exprNode()    {}
func (*BinaryExpr) exprNode()   {}
func (*IsExpr) exprNode()       {}
func (*BetweenExpr) exprNode()  {}
func (*InExpr) exprNode()       {}
func (*LikeExpr) exprNode()     {}
func (*CaseExpr) exprNode()     {}
func (*CastExpr) exprNode()     {}
func (*FuncCall) exprNode()     {}
func (*TrimExpr) exprNode()     {}
func (*ExtractExpr) exprNode()  {}
func (*FloorExpr) exprNode()    {}
func (*StepExpr) exprNode()     {}
func (*CursorExpr) exprNode()   {}
func (*SubqueryExpr) exprNode() {}
func (*ExistsExpr) exprNode()   {}
func (*RowExpr) exprNode()      {}
func (*IntervalExpr) exprNode() {}
