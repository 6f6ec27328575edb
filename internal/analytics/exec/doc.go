// Package exec plans and runs the continuous queries of a Kinesis Data
// Analytics SQL application: its in-application streams, the pumps between
// them, and the windows, joins and functions of their queries.
//
// Compile takes the parsed application (package sql) and an Env (the
// source streams with their column types, the reference tables with their
// rows, the streams the outputs read) and returns a Program, or the first
// problem as a *sql.Error with its line and column. The runtime feeds the
// Program rows (Push) and the passing of time (Advance), and subscribes to
// in-application streams (Subscribe). The Program reads no clock and
// starts no goroutine: given the same calls it emits the same rows in the
// same order.
package exec
