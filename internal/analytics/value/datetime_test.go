package value

import (
	"testing"
	"time"
)

// TestCivilDays checks the calendar arithmetic against package time's.
func TestCivilDays(t *testing.T) {
	for days := int64(-800000); days < 800000; days += 37 {
		y, m, d := CivilFromDays(days)
		if got := DaysFromCivil(y, m, d); got != days {
			t.Fatalf("day %d: %d-%d-%d gives back %d", days, y, m, d, got)
		}
		tm := NewDate(days).Time()
		if int64(tm.Year()) != y || int64(tm.Month()) != m || int64(tm.Day()) != d {
			t.Fatalf("day %d: %d-%d-%d, package time says %v", days, y, m, d, tm)
		}
	}
	for i := int64(-30); i < 30; i++ {
		if got := MonthIndex(MonthStart(i)); got != i {
			t.Fatalf("month %d: start %d gives month %d", i, MonthStart(i), got)
		}
	}
}

// TestUnits checks FloorUnit and NextUnit, which FLOOR, CEIL and the
// windows of FLOOR(ROWTIME TO unit) use, against package time's calendar.
func TestUnits(t *testing.T) {
	at := func(y int, m time.Month, d, h, mi, s, ms int) int64 {
		return time.Date(y, m, d, h, mi, s, ms*1e6, time.UTC).UnixMilli()
	}
	for _, tc := range []struct {
		ms          int64
		u           Unit
		floor, next int64
	}{
		{at(2024, 2, 29, 13, 45, 10, 250), UnitYear, at(2024, 1, 1, 0, 0, 0, 0), at(2025, 1, 1, 0, 0, 0, 0)},
		{at(2024, 2, 29, 13, 45, 10, 250), UnitMonth, at(2024, 2, 1, 0, 0, 0, 0), at(2024, 3, 1, 0, 0, 0, 0)},
		{at(2024, 12, 31, 23, 59, 59, 999), UnitMonth, at(2024, 12, 1, 0, 0, 0, 0), at(2025, 1, 1, 0, 0, 0, 0)},
		{at(2024, 2, 29, 13, 45, 10, 250), UnitDay, at(2024, 2, 29, 0, 0, 0, 0), at(2024, 3, 1, 0, 0, 0, 0)},
		{at(2024, 2, 29, 13, 45, 10, 250), UnitHour, at(2024, 2, 29, 13, 0, 0, 0), at(2024, 2, 29, 14, 0, 0, 0)},
		{at(2024, 2, 29, 13, 45, 10, 250), UnitMinute, at(2024, 2, 29, 13, 45, 0, 0), at(2024, 2, 29, 13, 46, 0, 0)},
		{at(2024, 2, 29, 13, 45, 10, 250), UnitSecond, at(2024, 2, 29, 13, 45, 10, 0), at(2024, 2, 29, 13, 45, 11, 0)},
		{at(1969, 12, 31, 23, 59, 59, 999), UnitYear, at(1969, 1, 1, 0, 0, 0, 0), at(1970, 1, 1, 0, 0, 0, 0)},
		{at(1969, 12, 31, 23, 59, 59, 999), UnitMonth, at(1969, 12, 1, 0, 0, 0, 0), at(1970, 1, 1, 0, 0, 0, 0)},
		{at(1969, 12, 31, 23, 59, 59, 999), UnitSecond, at(1969, 12, 31, 23, 59, 59, 0), at(1970, 1, 1, 0, 0, 0, 0)},
	} {
		floor := FloorUnit(tc.ms, tc.u)
		if floor != tc.floor {
			t.Errorf("FloorUnit(%s, %s) = %s, want %s", time.UnixMilli(tc.ms).UTC(), tc.u, time.UnixMilli(floor).UTC(), time.UnixMilli(tc.floor).UTC())
		}
		if next := NextUnit(floor, tc.u); next != tc.next {
			t.Errorf("NextUnit(%s, %s) = %s, want %s", time.UnixMilli(floor).UTC(), tc.u, time.UnixMilli(next).UTC(), time.UnixMilli(tc.next).UTC())
		}
	}
}
