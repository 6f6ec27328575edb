package sql

// reserved lists the words that can never be an unquoted name: the ones
// that open or end a clause or an operator, where reading them as a name
// would make the grammar ambiguous (SELECT a FROM s: is FROM an alias?).
//
// KDA reserved the whole SQL:2008 list and more, so any application it
// accepted names nothing here without quotes; reserving fewer words only
// accepts more (a column called VALUE or RESULT), never reads valid code
// differently. Words such as DATE, TIMESTAMP, STEP or the interval units
// are recognised where they stand instead (TIMESTAMP '...' is a literal,
// TIMESTAMP alone a column).
var reserved = map[string]bool{
	"ALL": true, "AND": true, "AS": true, "BETWEEN": true, "BY": true,
	"CASE": true, "CAST": true, "CREATE": true, "CROSS": true, "DISTINCT": true,
	"ELSE": true, "END": true, "ESCAPE": true, "EXCEPT": true, "EXISTS": true,
	"FALSE": true, "FROM": true, "FULL": true, "GROUP": true, "HAVING": true,
	"IN": true, "INNER": true, "INSERT": true, "INTERSECT": true, "INTERVAL": true,
	"INTO": true, "IS": true, "JOIN": true, "LEFT": true, "LIKE": true,
	"NATURAL": true, "NOT": true, "NULL": true, "ON": true, "OR": true,
	"ORDER": true, "OUTER": true, "OVER": true, "PARTITION": true, "RANGE": true,
	"RIGHT": true, "ROWS": true, "SELECT": true, "SIMILAR": true, "STREAM": true,
	"TABLE": true, "THEN": true, "TRUE": true, "UNION": true,
	"USING": true, "VALUES": true, "WHEN": true, "WHERE": true, "WINDOW": true,
	"WINDOWED": true,
}

// TimeUnit is a unit of an interval qualifier, of EXTRACT, or of FLOOR and
// CEIL ... TO.
type TimeUnit string

// The time units. Year-month intervals use YEAR and MONTH; day-time
// intervals DAY to SECOND.
const (
	Year   TimeUnit = "YEAR"
	Month  TimeUnit = "MONTH"
	Day    TimeUnit = "DAY"
	Hour   TimeUnit = "HOUR"
	Minute TimeUnit = "MINUTE"
	Second TimeUnit = "SECOND"
)

// timeUnits orders the units from the largest: an interval qualifier goes
// from a larger unit TO a smaller one.
var timeUnits = []TimeUnit{Year, Month, Day, Hour, Minute, Second}

func unitRank(u TimeUnit) int {
	for i, v := range timeUnits {
		if v == u {
			return i
		}
	}
	return -1
}

// typeNames are the data types of the dialect (the reference's Data Types
// page), with the words that may follow the first one. The parser accepts
// only these, so a misspelt type is a syntax error that lists them.
var typeNames = map[string]bool{
	"BIGINT": true, "BINARY": true, "BOOLEAN": true, "CHAR": true, "CHARACTER": true,
	"DATE": true, "DEC": true, "DECIMAL": true, "DOUBLE": true, "FLOAT": true,
	"INT": true, "INTEGER": true, "INTERVAL": true, "NUMERIC": true, "REAL": true,
	"SMALLINT": true, "TIME": true, "TIMESTAMP": true, "TINYINT": true,
	"VARBINARY": true, "VARCHAR": true,
}

// niladic are the functions called without parentheses (CURRENT_DATE, not
// CURRENT_DATE()); the parser accepts both spellings.
var niladic = map[string]bool{
	"CURRENT_DATE": true, "CURRENT_TIME": true, "CURRENT_TIMESTAMP": true,
	"CURRENT_ROW_TIMESTAMP": true, "LOCALTIME": true, "LOCALTIMESTAMP": true,
	"CURRENT_USER": true, "SESSION_USER": true, "SYSTEM_USER": true, "USER": true,
	"CURRENT_PATH": true, "CURRENT_ROLE": true,
}

// aggregates are the aggregate functions of the reference (Aggregate
// Functions, Statistical Variance and Deviation Functions). Validate needs
// them to know which calls aggregate; the executor's catalog has the rest.
var aggregates = map[string]bool{
	"AVG": true, "COUNT": true, "MAX": true, "MIN": true, "SUM": true,
	"FIRST_VALUE": true, "LAST_VALUE": true, "EXP_AVG": true,
	"STDDEV_POP": true, "STDDEV_SAMP": true, "VAR_POP": true, "VAR_SAMP": true,
	"STDDEV": true, "VARIANCE": true,
}

// IsAggregate reports whether name (upper case) is an aggregate function:
// one that folds many rows into one, over a GROUP BY, a stagger window or a
// sliding window (OVER).
func IsAggregate(name string) bool { return aggregates[name] }
