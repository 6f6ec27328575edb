// Package funcs is the catalogue of KDA SQL's scalar functions: their type
// checks at plan time and their evaluation per row. Aggregates, analytic and
// streaming table functions are the executor's; the arithmetic of the
// statistical aggregates is here (Moments).
//
// # Finding, binding and calling a function
//
// The planner finds a function by its upper-case name with Lookup (a call
// NAME(args), or a niladic NAME such as CURRENT_ROW_TIMESTAMP), or with
// Special for the forms SQL spells with a syntax of their own (below).
// Func.Bind checks the arguments once, at plan time:
//
//	f, _ := funcs.Lookup("SUBSTRING")
//	call, err := f.Bind(env, []funcs.Arg{
//		{Type: value.Varchar(32)},                                     // a column
//		{Type: value.Simple(value.KindInteger), Const: true, Value: value.NewInteger(12)}, // a literal
//	})
//	// err is an *ArgError ("SUBSTRING: argument 2 must be an integer, not
//	// VARCHAR(4)"): report it as a CodeValidationException.
//	// call.Type is the result type, here VARCHAR(32).
//	v, err := call.Eval(row) // per row: the argument values in order
//
// An Arg carries the argument's type and, when the planner knows it (a
// literal, a folded expression), its constant value. A function that
// compiles something from an argument compiles a constant one in Bind, and
// a bad constant fails Bind: REGEX_REPLACE's and SUBSTRING's regular
// expressions, LIKE's and SIMILAR TO's patterns, the *_TO_CHAR and CHAR_TO_*
// date patterns, the log parsers' patterns and column descriptions. A
// pattern that comes from a column compiles at run time; a call keeps the
// last one it compiled, as consecutive rows often repeat it. Func.ResultType checks types alone. Func.Deterministic
// says the planner may fold a call whose arguments are all constant.
//
// Eval allocates nothing for numeric and datetime functions (a test checks
// it); a Call keeps no per-row state and may be evaluated concurrently.
// Nothing panics on input. A run-time failure is an *Error (a Condition
// with its SQLSTATE) or, from conversions and arithmetic, a *value.Error;
// Describe names either for the error_stream row. NULL arguments give NULL,
// except where SQL or KDA say otherwise (COALESCE, NULLIF, *_TO_CHAR of a
// NULL datetime, which KDA documents as the string 'null').
//
// # Time
//
// Nothing here reads the clock. Bind takes an *Env: Env.QueryStart is the
// instant CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, LOCALTIME and
// LOCALTIMESTAMP return for every row of the query (KDA runs in UTC, so the
// LOCAL forms equal the CURRENT ones), and the pivot of two-digit years in
// date patterns; Env.Now is called per row for CURRENT_ROW_TIMESTAMP (the
// executor points it at its injected clock, set once per output row).
// Func.UsesEnv marks the functions that need an Env.
//
// # Special forms
//
// The parser keeps these forms as their own AST nodes; the planner binds
// them to Special functions with these arguments (constants where marked):
//
//	TRIM([side] [chars] FROM s)        TRIM(side const 'BOTH'|'LEADING'|'TRAILING', chars, s); chars ' ' when not written
//	EXTRACT(unit FROM x)               EXTRACT(unit const 'YEAR'…'SECOND', x)
//	FLOOR(x TO unit), CEIL(x TO unit)  "FLOOR TO"(x, unit const), "CEIL TO"(x, unit const)
//	STEP(x BY width)                   STEP(x, width)
//	s LIKE p [ESCAPE e]                LIKE(s, p [, e]); NOT LIKE is the executor's NOT
//	s SIMILAR TO p [ESCAPE e]          "SIMILAR TO"(s, p [, e])
//	SUBSTRING(s SIMILAR p ESCAPE e)    "SUBSTRING SIMILAR"(s, p, e)
//	a || b                             "||"(a, b)
//	(a - b) <interval qualifier>       DatetimeDiff(a, b, q), a Go function
//
// The parser folds SUBSTRING(s FROM a FOR b), POSITION(a IN b) and
// OVERLAY(s PLACING r FROM a FOR b) into ordinary calls, which Lookup finds.
//
// # The functions
//
// String and search (positions and lengths in characters):
//
//	CHAR_LENGTH(s), CHARACTER_LENGTH(s)        INTEGER; a CHAR counts its padding
//	UPPER(s), LOWER(s), INITCAP(s)             s's type; INITCAP capitalises each white-space-separated word
//	POSITION(needle, s)                        INTEGER: 1-based, 0 when absent, 1 for ''
//	SUBSTRING(s, start [, length])             VARCHAR(n): SQL's rules, '' past the end
//	SUBSTRING(s, regex)                        the first match of a Java regex, or NULL
//	SUBSTRING(s, pattern, escape)              SQL:1999's SUBSTRING(s FROM pattern FOR escape): as SUBSTRING SIMILAR
//	OVERLAY(s, r, start [, length])            VARCHAR(n+m)
//	REGEX_REPLACE(s, regex, repl [, start [, occurrence]])  VARCHAR(65534): Java's replaceAll ($n, ${name}), from start, all or the n-th match
//	TRIM, ||, LIKE, SIMILAR TO, SUBSTRING SIMILAR (special forms)
//
// Numeric:
//
//	ABS(x)                  x's type, numbers and intervals
//	CEIL(x), CEILING(x), FLOOR(x)  integers unchanged, DECIMAL(p,s) to DECIMAL(p-s+1,0), REAL/DOUBLE stay
//	EXP(x), LN(x), LOG10(x) DOUBLE; LN and LOG10 of x <= 0 raise CondInvalidLogArgument
//	POWER(b, e)             DOUBLE; 0 to a negative or a negative to a fractional power raise CondInvalidPowerArgument
//	MOD(a, b)               integers (scale 0): the dividend's sign; by zero is a division by zero
//	STEP(x BY width)        integers, and DATE/TIME/TIMESTAMP by an interval, rounded down from 1970-01-01
//
// Date and time:
//
//	CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, LOCALTIME, LOCALTIMESTAMP  the query's start
//	CURRENT_ROW_TIMESTAMP   Env.Now, per row
//	EXTRACT(unit FROM x)    BIGINT, SECOND as DECIMAL(5,3); of DATE, TIME, TIMESTAMP and intervals
//	FLOOR/CEIL(x TO unit)   x's type; YEAR, MONTH, DAY, HOUR, MINUTE, SECOND
//	TSDIFF(start, end)      BIGINT end - start in milliseconds; TIMESTAMPs or epoch milliseconds
//	UNIX_TIMESTAMP(ts)      BIGINT milliseconds since 1970-01-01 UTC
//	TO_TIMESTAMP(ms)        TIMESTAMP
//	CHAR_TO_DATE(fmt, s), CHAR_TO_TIME(fmt, s), CHAR_TO_TIMESTAMP(fmt, s)  s read with a SimpleDateFormat pattern
//	DATE_TO_CHAR(fmt, d), TIME_TO_CHAR(fmt, t), TIMESTAMP_TO_CHAR(fmt, ts) VARCHAR as long as the pattern prints
//
// The pattern language is java.text.SimpleDateFormat's, in US English and
// UTC, parsing with leniency off; dateformat.go and dateparse.go say
// exactly what is supported (every letter Java 8 defines; zone names are a
// list of common ones).
//
// Null: COALESCE(v, ...) (the arguments unify to one type), NULLIF(a, b).
// MONOTONIC(x) is x (a planner hint in KDA).
//
// Log parsing, each returning a ROW (Call.Row lists its fields; EvalRow
// appends them; a line that does not match is a NULL row; a field that does
// not convert to its column's type is an error):
//
//	REGEX_LOG_PARSE(s, regex [, columns])   Java regex matching the whole line; COLUMN1… VARCHAR(1024) or described columns
//	FAST_REGEX_LOG_PARSER(s, pattern)       (also FAST_REGEX_LOG_PARSE) KDA's lazy, non-backtracking parser; see fastregex.go
//	FIXED_COLUMN_LOG_PARSE(s, columns)      'name TYPE t [NOT NULL] ['pattern'] START n [FOR m], …'
//	VARIABLE_COLUMN_LOG_PARSE(s, columns, delimiter [, escape [, quotes]])  columns a count or a description
//	W3C_LOG_PARSE(s, format)                COMMON, COMMON WITH VHOST, NCSA EXTENDED, REFERER, AGENT, IIS or an Apache format
//	SYS_LOG_PARSE(s)                        COLUMN1 TIMESTAMP, COLUMN2 VARCHAR(1024)
//
// # Java regular expressions on RE2
//
// KDA's REGEX_REPLACE, SUBSTRING FROM regex and REGEX_LOG_PARSE take
// java.util.regex patterns. Sluice runs them on Go's regexp (RE2: linear
// time, no backtracking), translating at compile time:
//
//	same in both      literals, . classes [a-z] [^…], \d \w \b \B \A \z, ^ $ |, greedy and reluctant
//	                  quantifiers (* + ? {n,m} and *? …), capturing, (?:…) and named groups (?<n>…),
//	                  \Q…\E, \xhh \x{h…} \t \n \r \f \a, inline flags i m s and (?flags:…)
//	rewritten         .            Java's excludes \r \u0085 \u2028 \u2029 too: [^\n\r\x{85}\x{2028}\x{2029}]
//	                  \s \S        Java's include \x0B: [\t\n\x0B\f\r ]
//	                  \h \H \v \V \R \e \cX \0ooo \uhhhh (surrogate pairs joined)
//	                  \p{Lower} \p{Alpha} … (Java's US-ASCII POSIX classes), \p{javaLowerCase} …,
//	                  \p{IsLatin} \p{L} \p{Lu} (Unicode scripts and categories)
//	                  inline flags d (UNIX_LINES) and x (COMMENTS) are applied in translation; u is dropped
//	refused           possessive quantifiers (*+ ++ ?+ {n}+), lookahead and lookbehind, atomic groups (?>…),
//	                  back references \1 \k<n>, \G \Z \X, class unions [a[b]] and intersections [a&&b],
//	                  \p{InBlock}, the flag U, counted repetition above 1000 (RE2's limit)
//
// A refused construct is an error when the pattern compiles: at plan time
// for a constant pattern (a CodeValidationException naming the construct),
// never a silently different match. Remaining differences: $ matches only
// at the very end of the input (Java's also before a final line
// terminator); a pattern that can match the empty string inserts
// replacements where Go's FindAll puts empty matches, which differs from
// Java right after a non-empty match; \b is ASCII in RE2.
//
// # Where KDA's reference is unclear or wrong, and what Sluice does
//
//   - SUBSTRING('123456789', 10, 4) is NULL on the reference page but
//     SUBSTRING('123456789' FROM 17 FOR 4) is ”; the parser folds the two
//     forms into one, and Sluice follows SQL: ”.
//   - SUBSTRING(s SIMILAR p ESCAPE e) searches (its '23#"456#"78' example
//     on '123456789' needs it) rather than matching the whole string.
//   - '123aXYZ' SIMILAR TO ” is listed TRUE; an empty pattern matches only
//     ” here. The alternation examples lost their | to the page's markup.
//   - TSDIFF(startTime, endTime) is end - start (the milliseconds from start
//     to end); the page says only "the difference".
//   - CHAR_TO_TIMESTAMP: where the pages contradict each other, SimpleDateFormat
//     decides ('yyyy-hh-mm' on '2009-09-16 03:15:24' is 09:16, and 'y' on
//     '10' is 2010, as Java reads one- and two-letter years).
//   - FAST_REGEX_LOG_PARSER: the first example's second column cannot come
//     from its pattern; the decomposition the page describes is implemented
//     and its Examples A, B and C hold.
//   - W3C_LOG_PARSE's columns are VARCHAR(1024) text (the reference's
//     examples CAST them); REFERER's separator is Apache's " -> ".
//   - SYS_LOG_PARSE dates carry no year: 1970, SimpleDateFormat's default.
//   - EXP(1) prints 2.718281828459045 (Go, correctly rounded), not Java's
//     2.7182818284590455. Datetimes use the proleptic Gregorian calendar
//     (Java switches to Julian before 1582-10-15). Case mappings are
//     Unicode's simple ones (Java upper-cases ß to SS).
package funcs
