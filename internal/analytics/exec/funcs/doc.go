// Package funcs is the catalogue of KDA SQL's scalar functions: string and
// search, numeric, date and time, datetime conversion, null and log-parsing
// functions, with their type checks at plan time and their evaluation per
// row. The planner finds a function with Lookup (or Special for a syntax of
// its own), binds a call with Func.Bind, which checks the arguments and
// compiles what a constant argument allows (a regular expression, a date
// pattern), and the executor evaluates the bound Call per row.
package funcs
