// Package sql reads the application code of Kinesis Data Analytics SQL
// applications: the streaming SQL of SQLstream that KDA ran. It has a lexer,
// a parser that builds a syntax tree with positions, a printer of canonical
// SQL, and Validate, the checks KDA's SQL validator made when an application
// was created or updated. The planner and executor (package
// analytics/exec) take the tree from here; this package knows nothing of
// values or execution, so types stay as written (VARCHAR(4)) for package
// analytics/value to resolve.
//
// # Why a hand-written parser
//
// No Go SQL library parses this dialect (see the notes, analytics.md §8):
// the MySQL family (vitess, TiDB, sqlparser) fails at SELECT STREAM or, worse,
// reads STREAM as a column; the Postgres family has no CREATE PUMP, STEP
// ... BY, FLOOR ... TO or WINDOWED BY STAGGER. The dialect is small (three
// CREATE statements and one SELECT with streaming clauses), and KDA's
// messages ("Encountered "FORM" at line 3, column 14. Was expecting one
// of: ...") come from knowing at each token what could have come instead,
// which a recursive-descent parser knows. Expressions are parsed by a
// Pratt loop over binding powers (parse_expr.go).
//
// # Entry points
//
//	Parse(code) (*Application, error)      statements of application code
//	ParseQuery(s), ParseExpr(s)             one query, one expression
//	Validate(app, *Schema) error            the first semantic problem
//	ValidateAll(app, *Schema) []*Error      all of them, in source order
//	Format(node) string                     canonical SQL
//	Inspect(node, func(Node) bool)          walk a tree
//	IsAggregate(name), Monotonic(expr)      what the checks and the executor share
//	SelectItem.Name(i)                      a result column's name (alias, column, EXPR$i)
//
// Every error is an *Error with Line and Column (1-based, counting
// characters) and a message that includes them.
//
// # Lexical structure
//
// Unquoted identifiers start with a letter or _ and go on with letters,
// digits, _ and $; they are folded to upper case. Quoted identifiers
// ("Ticker") keep their case, double "" for a quote, and hold any
// character but U+0000 to U+001F. Identifiers have 1 to 128 characters.
// Character strings double the quote inside; adjacent strings join; U&
// strings have escapes (four or, after +, six hexadecimal digits) with an
// escape character chosen by UESCAPE; X strings are binary:
//
//	'it''s'  N'national'  U&'caf\00e9'  U&'!263A' UESCAPE '!'  X'0AFF'
//
// Numbers are 42 (exact), 4.2, .5, 5. (exact decimal) and 4.2E-3
// (approximate). Comments are -- and // to the end of the line, and /*
// ... */. Lines end at LF, CR or CRLF.
//
// Few words are reserved (keywords.go): those that start or end a clause
// or an operator. KDA reserved the whole SQL:2008 list, so code it accepted
// never uses the others as bare names; words such as TIMESTAMP, STEP or
// MINUTE are recognised where they stand (TIMESTAMP '...' is a literal,
// TIMESTAMP alone a column).
//
// # Grammar
//
// In EBNF: [x] is optional, {x} repeats zero or more times, "x" is a
// keyword or symbol (keywords in any case), and lower-case names are rules.
//
//	application   = { ";" } [ statement { ";" { ";" } statement } { ";" } ] .
//	statement     = "CREATE" [ "OR" "REPLACE" ] ( stream | pump | function ) .
//	stream        = "STREAM" objectName "(" columnDef { "," columnDef } ")"
//	                [ "DESCRIPTION" string ] .
//	columnDef     = ident typeName [ "NOT" "NULL" | "NULL" ] .
//	pump          = "PUMP" objectName [ "STARTED" | "STOPPED" ] [ "DESCRIPTION" string ]
//	                "AS" insert .
//	insert        = "INSERT" [ "EXPEDITED" ] "INTO" objectName [ "(" identList ")" ] query .
//	function      = "FUNCTION" objectName "(" [ ident typeName { "," ident typeName } ] ")"
//	                "RETURNS" typeName { characteristic } "RETURN" expr .
//	characteristic = "LANGUAGE" "SQL" | "SPECIFIC" ident | [ "NOT" ] "DETERMINISTIC"
//	                | "CONTAINS" "SQL" | "READS" "SQL" "DATA" | "MODIFIES" "SQL" "DATA"
//	                | "RETURNS" "NULL" "ON" "NULL" "INPUT" | "CALLED" "ON" "NULL" "INPUT" .
//
//	query         = intersectTerm { ( "UNION" | "EXCEPT" ) [ "ALL" | "DISTINCT" ] intersectTerm }
//	                [ orderBy ] .
//	intersectTerm = queryPrimary { "INTERSECT" [ "ALL" | "DISTINCT" ] queryPrimary } .
//	queryPrimary  = select | values | "(" query ")" .
//	values        = "VALUES" row { "," row } .
//	row           = [ "ROW" ] "(" exprList ")" .
//	select        = "SELECT" [ "STREAM" ] [ "DISTINCT" | "ALL" ] selectItem { "," selectItem }
//	                "FROM" fromItem { "," fromItem }
//	                [ "WHERE" expr ]
//	                [ "WINDOWED" "BY" "STAGGER" "(" "PARTITION" "BY" exprList "RANGE" expr ")" ]
//	                [ "GROUP" "BY" exprList ]
//	                [ "HAVING" expr ]
//	                [ "WINDOW" ident "AS" windowSpec { "," ident "AS" windowSpec } ] .
//	selectItem    = "*" | ident { "." ident } "." "*" | expr [ [ "AS" ] ident ] .
//	orderBy       = "ORDER" "BY" orderItem { "," orderItem } .
//	orderItem     = expr [ "ASC" | "DESC" ] [ "NULLS" ( "FIRST" | "LAST" ) ] .
//
//	fromItem      = fromPrimary { join } .
//	join          = "CROSS" "JOIN" fromPrimary
//	              | "NATURAL" joinType fromPrimary
//	              | joinType fromPrimary ( "ON" expr | "USING" "(" identList ")" ) .
//	joinType      = [ "INNER" | ( "LEFT" | "RIGHT" | "FULL" ) [ "OUTER" ] ] "JOIN" .
//	fromPrimary   = objectName [ "OVER" over ] [ alias ]
//	              | "(" query ")" [ alias ]
//	              | "TABLE" "(" call ")" [ alias ]
//	              | "(" fromItem ")" .
//	alias         = [ "AS" ] ident [ "(" identList ")" ] .
//
//	over          = ident | windowSpec .
//	windowSpec    = "(" [ ident ] [ "PARTITION" "BY" exprList ] [ orderBy ] [ frame ] ")" .
//	frame         = ( "ROWS" | "RANGE" ) ( bound | "BETWEEN" bound "AND" bound ) .
//	bound         = "UNBOUNDED" ( "PRECEDING" | "FOLLOWING" ) | "CURRENT" "ROW"
//	              | expr ( "PRECEDING" | "FOLLOWING" ) .
//
//	expr          = the operators below over primaries, loosest first:
//	                OR; AND; NOT (prefix); IS [NOT] NULL|TRUE|FALSE|UNKNOWN|DISTINCT FROM;
//	                = <> != < <= > >=; [NOT] BETWEEN [SYMMETRIC|ASYMMETRIC] .. AND ..,
//	                [NOT] IN ( exprList | query ), [NOT] LIKE .. [ESCAPE ..],
//	                [NOT] SIMILAR TO .. [ESCAPE ..]; + -; * / ||; - + (prefix).
//	                All binary operators associate to the left.
//	primary       = number | string | binaryString | "TRUE" | "FALSE" | "NULL"
//	              | ( "DATE" | "TIME" | "TIMESTAMP" ) string
//	              | "INTERVAL" [ "+" | "-" ] string intervalQualifier
//	              | "CASE" [ expr ] "WHEN" expr "THEN" expr { "WHEN" expr "THEN" expr }
//	                [ "ELSE" expr ] "END"
//	              | "CAST" "(" expr "AS" typeName ")"
//	              | "EXTRACT" "(" timeUnit "FROM" expr ")"
//	              | "POSITION" "(" expr ( "IN" | "," ) expr ")"
//	              | "SUBSTRING" "(" expr ( "FROM" expr [ "FOR" expr ] | "," exprList ) ")"
//	              | "OVERLAY" "(" expr ( "PLACING" expr "FROM" expr [ "FOR" expr ] | "," exprList ) ")"
//	              | "TRIM" "(" [ "BOTH" | "LEADING" | "TRAILING" ] [ expr ] "FROM" expr ")"
//	              | "TRIM" "(" expr ")"
//	              | ( "FLOOR" | "CEIL" | "CEILING" ) "(" expr [ "TO" timeUnit ] ")"
//	              | "STEP" "(" expr "BY" expr ")"
//	              | "CURSOR" "(" query ")"
//	              | "ROW" "(" exprList ")"
//	              | "EXISTS" "(" query ")"
//	              | "(" query ")"
//	              | "(" expr ")" [ intervalQualifier ]
//	              | "(" expr "," exprList ")"
//	              | call
//	              | ident { "." ident } .
//	call          = ident { "." ident } "(" [ [ "DISTINCT" | "ALL" ] exprList | "*" ] ")"
//	                [ "FROM" ( "FIRST" | "LAST" ) ]          (NTH_VALUE only)
//	                [ ( "IGNORE" | "RESPECT" ) "NULLS" ]
//	                [ "OVER" over ]
//	              | niladic .                                (CURRENT_ROW_TIMESTAMP, LOCALTIME, ...)
//	intervalQualifier = timeUnit [ "(" integer [ "," integer ] ")" ]
//	                [ "TO" timeUnit [ "(" integer ")" ] ] .    (YEAR TO MONTH, or DAY..SECOND downward)
//	timeUnit      = "YEAR" | "MONTH" | "DAY" | "HOUR" | "MINUTE" | "SECOND" .
//	typeName      = ( "BIGINT" | "BINARY" [ "VARYING" ] | "BOOLEAN" | "CHAR" [ "VARYING" ]
//	                | "CHARACTER" [ "VARYING" ] | "DATE" | "DEC" | "DECIMAL" | "DOUBLE" [ "PRECISION" ]
//	                | "FLOAT" | "INT" | "INTEGER" | "NUMERIC" | "REAL" | "SMALLINT" | "TIME"
//	                | "TIMESTAMP" | "TINYINT" | "VARBINARY" | "VARCHAR" )
//	                [ "(" integer [ "," integer ] ")" ]
//	              | "INTERVAL" intervalQualifier .
//	objectName    = ident { "." ident } .
//	identList     = ident { "," ident } .
//	exprList      = expr { "," expr } .
//
// Refused with a message that says what to write instead: a bare SELECT or
// INSERT (queries run in pumps), CREATE TABLE (reference tables come from
// the reference data source) and CREATE VIEW.
//
// # Where the reference is silent
//
// These choices are the package's, made for running the applications KDA
// accepted, and documented for the executor:
//
//   - ROWTIME in a select list is a data column like any other (an INSERT
//     maps it to the target's column in its place, as AWS's workshops did);
//     only an item aliased AS ROWTIME sets the row's time, and it is not
//     counted among the inserted columns. * and t.* never include ROWTIME.
//   - A trailing ORDER BY belongs to the whole set operation it ends, as in
//     the standard; inside a SELECT it follows the WINDOW clause.
//   - WINDOWED BY goes after WHERE, where GROUP BY would; the two do not
//     combine (Validate says so).
//   - SELECT without STREAM over a stream is still a streaming query (the
//     guide's HOTSPOTS example inserts one into a stream).
//   - (a - b) followed by an interval unit is the datetime difference of
//     the standard: in that place the units are keywords, not aliases.
//   - Names are compared exactly after folding: "ticker" is not TICKER.
//   - Code may use a stream only after the statement that creates it, as
//     KDA ran the statements in order.
//
// # Validation
//
// Validate checks what KDA's validator checked at CreateApplication and
// UpdateApplication, as far as code and the configured input schema allow;
// see validate.go for the list and for what needs the schema.
package sql
