package sql

// Inspect visits n and the nodes under it, depth first, in source order:
// f(n) first, then, if f returned true, each child. Nil children are
// skipped. Subqueries (in FROM, IN, EXISTS, CURSOR, scalar) are children
// like any other; callers that must stop at a query boundary return false
// for the Query nodes they meet.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	for _, c := range children(n) {
		Inspect(c, f)
	}
}

// children lists the direct children of n.
func children(n Node) []Node {
	var out []Node
	add := func(ns ...Node) {
		for _, c := range ns {
			if !isNilNode(c) {
				out = append(out, c)
			}
		}
	}
	addExprs := func(es []Expr) {
		for _, e := range es {
			add(e)
		}
	}
	addOrder := func(items []OrderItem) {
		for _, o := range items {
			add(o.Expr)
		}
	}
	switch n := n.(type) {
	case *Application:
		for _, s := range n.Statements {
			add(s)
		}
	case *CreateStream:
		if n.Description != nil {
			add(n.Description)
		}
	case *CreatePump:
		if n.Description != nil {
			add(n.Description)
		}
		add(n.Insert)
	case *Insert:
		add(n.Query)
	case *CreateFunction:
		add(n.Body)
	case *Select:
		for _, it := range n.Items {
			add(it.Expr)
		}
		for _, f := range n.From {
			add(f)
		}
		add(n.Where)
		if n.WindowedBy != nil {
			add(n.WindowedBy)
		}
		addExprs(n.GroupBy)
		add(n.Having)
		for _, w := range n.Windows {
			add(w.Spec)
		}
		addOrder(n.OrderBy)
	case *Stagger:
		addExprs(n.PartitionBy)
		add(n.Range)
	case *WindowSpec:
		addExprs(n.PartitionBy)
		addOrder(n.OrderBy)
		if n.Frame != nil {
			add(n.Frame.Start.Offset)
			if n.Frame.End != nil {
				add(n.Frame.End.Offset)
			}
		}
	case *SetOp:
		add(n.Left, n.Right)
		addOrder(n.OrderBy)
	case *Values:
		for _, row := range n.Rows {
			addExprs(row)
		}
	case *TableRef:
		if n.Over != nil {
			add(n.Over)
		}
	case *SubqueryRef:
		add(n.Query)
	case *TableFunctionRef:
		add(n.Call)
	case *Join:
		add(n.Left, n.Right, n.On)
	case *UnaryExpr:
		add(n.X)
	case *BinaryExpr:
		add(n.L, n.R)
	case *IsExpr:
		add(n.X)
	case *BetweenExpr:
		add(n.X, n.Low, n.High)
	case *InExpr:
		add(n.X)
		addExprs(n.List)
		add(n.Query)
	case *LikeExpr:
		add(n.X, n.Pattern, n.Escape)
	case *CaseExpr:
		add(n.Operand)
		for _, w := range n.Whens {
			add(w.Cond, w.Result)
		}
		add(n.Else)
	case *CastExpr:
		add(n.X)
	case *FuncCall:
		addExprs(n.Args)
		if n.Over != nil {
			add(n.Over)
		}
	case *TrimExpr:
		add(n.Chars, n.X)
	case *ExtractExpr:
		add(n.X)
	case *FloorExpr:
		add(n.X)
	case *StepExpr:
		add(n.X, n.Width)
	case *CursorExpr:
		add(n.Query)
	case *SubqueryExpr:
		add(n.Query)
	case *ExistsExpr:
		add(n.Query)
	case *RowExpr:
		addExprs(n.Items)
	case *IntervalExpr:
		add(n.X)
	}
	return out
}

// isNilNode reports whether n is a nil interface. The parser never puts a
// nil pointer in an interface; the optional pointer fields are checked
// where they are added.
func isNilNode(n Node) bool { return n == nil }
