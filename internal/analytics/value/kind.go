package value

// Kind is the family of a type or a value: the type without its length,
// precision or qualifier.
type Kind uint8

// The kinds, in the order of numeric promotion where that matters: an
// arithmetic on two integer kinds gives the larger one.
const (
	KindNull Kind = iota // the type of the NULL literal; the zero Value
	KindBoolean
	KindTinyInt
	KindSmallInt
	KindInteger
	KindBigInt
	KindDecimal
	KindReal
	KindDouble
	KindChar
	KindVarchar
	KindBinary
	KindVarbinary
	KindDate
	KindTime
	KindTimestamp
	KindIntervalDayTime
	KindIntervalYearMonth
	kindCount
)

var kindNames = [kindCount]string{
	KindNull:              "NULL",
	KindBoolean:           "BOOLEAN",
	KindTinyInt:           "TINYINT",
	KindSmallInt:          "SMALLINT",
	KindInteger:           "INTEGER",
	KindBigInt:            "BIGINT",
	KindDecimal:           "DECIMAL",
	KindReal:              "REAL",
	KindDouble:            "DOUBLE",
	KindChar:              "CHAR",
	KindVarchar:           "VARCHAR",
	KindBinary:            "BINARY",
	KindVarbinary:         "VARBINARY",
	KindDate:              "DATE",
	KindTime:              "TIME",
	KindTimestamp:         "TIMESTAMP",
	KindIntervalDayTime:   "INTERVAL DAY TO SECOND",
	KindIntervalYearMonth: "INTERVAL YEAR TO MONTH",
}

// String is the kind's SQL name.
func (k Kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return "UNKNOWN"
}

// IsInteger reports TINYINT, SMALLINT, INTEGER and BIGINT.
func (k Kind) IsInteger() bool { return k >= KindTinyInt && k <= KindBigInt }

// IsExact reports the exact numeric kinds: the integers and DECIMAL.
func (k Kind) IsExact() bool { return k >= KindTinyInt && k <= KindDecimal }

// IsApproximate reports REAL and DOUBLE.
func (k Kind) IsApproximate() bool { return k == KindReal || k == KindDouble }

// IsNumeric reports the exact and approximate numeric kinds.
func (k Kind) IsNumeric() bool { return k >= KindTinyInt && k <= KindDouble }

// IsString reports CHAR and VARCHAR.
func (k Kind) IsString() bool { return k == KindChar || k == KindVarchar }

// IsBinary reports BINARY and VARBINARY.
func (k Kind) IsBinary() bool { return k == KindBinary || k == KindVarbinary }

// IsDatetime reports DATE, TIME and TIMESTAMP.
func (k Kind) IsDatetime() bool { return k >= KindDate && k <= KindTimestamp }

// IsInterval reports both interval kinds.
func (k Kind) IsInterval() bool { return k == KindIntervalDayTime || k == KindIntervalYearMonth }

// integerRange is the range of an integer kind.
func integerRange(k Kind) (lo, hi int64) {
	switch k {
	case KindTinyInt:
		return -1 << 7, 1<<7 - 1
	case KindSmallInt:
		return -1 << 15, 1<<15 - 1
	case KindInteger:
		return -1 << 31, 1<<31 - 1
	default:
		return -1 << 63, 1<<63 - 1
	}
}

// integerDigits is the number of decimal digits an integer kind needs: its
// precision when it meets a DECIMAL.
func integerDigits(k Kind) int {
	switch k {
	case KindTinyInt:
		return 3
	case KindSmallInt:
		return 5
	case KindInteger:
		return 10
	default:
		return 19
	}
}
