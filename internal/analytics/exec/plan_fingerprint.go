package exec

import (
	"strconv"
	"strings"

	"sluice/internal/analytics/sql"
)

// fingerprint is a text that two expressions share exactly when they are
// the same expression over the same columns: how a select list's
// expression is matched with a GROUP BY key (TICKER and S.TICKER are one
// column), and how repeated aggregates are computed once.
func fingerprint(e sql.Expr, sc *scope) string {
	var b strings.Builder
	fp(&b, e, sc)
	return b.String()
}

func fp(b *strings.Builder, n sql.Node, sc *scope) {
	if n == nil {
		b.WriteString("_")
		return
	}
	switch e := n.(type) {
	case *sql.ColumnRef:
		if sc != nil {
			if r, err := sc.resolve(e); err == nil {
				if r.rowtime {
					b.WriteString("rt" + strconv.Itoa(r.timeSlot))
				} else {
					b.WriteString("c" + strconv.Itoa(r.col.slot))
				}
				return
			}
		}
		b.WriteString("?")
		for _, id := range e.Names {
			b.WriteString("." + id.Name)
		}
		return
	case *sql.NumberLit:
		b.WriteString("n:" + e.Text)
		return
	case *sql.StringLit:
		b.WriteString("s:" + strconv.Quote(e.Value))
		return
	case *sql.BinaryLit:
		b.WriteString("x:" + e.Hex)
		return
	case *sql.BoolLit:
		b.WriteString("b:" + strconv.FormatBool(e.Value))
		return
	case *sql.NullLit:
		b.WriteString("null")
		return
	case *sql.DateTimeLit:
		b.WriteString("d:" + string(e.Kind) + ":" + strconv.Quote(e.Value))
		return
	case *sql.IntervalLit:
		b.WriteString("i:" + strconv.FormatBool(e.Negative) + ":" + strconv.Quote(e.Value) + ":" + e.Qualifier.String())
		return
	case *sql.UnaryExpr:
		b.WriteString("(u" + string(e.Op) + " ")
		fp(b, e.X, sc)
	case *sql.BinaryExpr:
		b.WriteString("(" + string(e.Op) + " ")
		fp(b, e.L, sc)
		b.WriteString(" ")
		fp(b, e.R, sc)
	case *sql.IsExpr:
		b.WriteString("(is " + strconv.FormatBool(e.Not) + string(e.Test) + " ")
		fp(b, e.X, sc)
	case *sql.BetweenExpr:
		b.WriteString("(between " + strconv.FormatBool(e.Not) + strconv.FormatBool(e.Symmetric) + " ")
		fpList(b, sc, e.X, e.Low, e.High)
	case *sql.InExpr:
		b.WriteString("(in " + strconv.FormatBool(e.Not) + " ")
		fp(b, e.X, sc)
		fpList(b, sc, e.List...)
		if e.Query != nil {
			b.WriteString(" q:" + sql.Format(e.Query))
		}
	case *sql.LikeExpr:
		b.WriteString("(like " + strconv.FormatBool(e.Not) + strconv.FormatBool(e.Similar) + " ")
		fpList(b, sc, e.X, e.Pattern, e.Escape)
	case *sql.CaseExpr:
		b.WriteString("(case ")
		fp(b, e.Operand, sc)
		for _, w := range e.Whens {
			b.WriteString(" w ")
			fpList(b, sc, w.Cond, w.Result)
		}
		b.WriteString(" else ")
		fp(b, e.Else, sc)
	case *sql.CastExpr:
		b.WriteString("(cast " + e.Type.String() + " ")
		fp(b, e.X, sc)
	case *sql.FuncCall:
		b.WriteString("(f " + e.Name.String() + " " + strconv.FormatBool(e.Distinct) + strconv.FormatBool(e.Star) +
			strconv.FormatBool(e.FromLast) + string(e.Nulls) + " ")
		for _, a := range e.Args {
			fp(b, a, sc)
			b.WriteString(",")
		}
		if e.Over != nil {
			b.WriteString(" over " + sql.Format(e.Over))
		}
	case *sql.TrimExpr:
		b.WriteString("(trim " + string(e.Side) + " ")
		fpList(b, sc, e.Chars, e.X)
	case *sql.ExtractExpr:
		b.WriteString("(extract " + string(e.Unit) + " ")
		fp(b, e.X, sc)
	case *sql.FloorExpr:
		b.WriteString("(floor " + strconv.FormatBool(e.Ceil) + string(e.Unit) + " ")
		fp(b, e.X, sc)
	case *sql.StepExpr:
		b.WriteString("(step ")
		fpList(b, sc, e.X, e.Width)
	case *sql.RowExpr:
		b.WriteString("(row ")
		fpList(b, sc, e.Items...)
	case *sql.IntervalExpr:
		b.WriteString("(ival " + e.Qualifier.String() + " ")
		fp(b, e.X, sc)
	default:
		b.WriteString("(other " + sql.Format(n))
	}
	b.WriteString(")")
}

func fpList(b *strings.Builder, sc *scope, es ...sql.Expr) {
	for _, e := range es {
		if e == nil {
			b.WriteString("_ ")
			continue
		}
		fp(b, e, sc)
		b.WriteString(" ")
	}
}
