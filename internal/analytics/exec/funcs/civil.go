package funcs

// Datetimes as milliseconds in UTC, on package value's calendar
// (value.DaysFromCivil and the rest): a TIMESTAMP is milliseconds since
// 1970-01-01, a DATE days since then, a TIME milliseconds since midnight.

import "sluice/internal/analytics/value"

const (
	msPerSecond = 1000
	msPerMinute = 60 * msPerSecond
	msPerHour   = 60 * msPerMinute
	msPerDay    = 24 * msPerHour
)

// weekday is the day of the week of day number z: 0 Sunday … 6 Saturday
// (1970-01-01 was a Thursday).
func weekday(z int64) int64 { return value.FloorMod(z+4, 7) }

// datetimeMillis is a DATE, TIME or TIMESTAMP as milliseconds since the
// epoch (a DATE is its midnight, a TIME is on 1970-01-01).
func datetimeMillis(v value.Value) int64 {
	if v.Kind() == value.KindDate {
		return v.Int64() * msPerDay
	}
	return v.Int64()
}

// datetimeOf is ms as a value of datetime kind k.
func datetimeOf(k value.Kind, ms int64) value.Value {
	switch k {
	case value.KindDate:
		return value.NewDate(value.FloorDiv(ms, msPerDay))
	case value.KindTime:
		return value.NewTime(ms)
	}
	return value.NewTimestamp(ms)
}
